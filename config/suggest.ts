/**
 * "Did you mean" for misspelt names (config keys, entry fields): the known name within a small
 * edit distance, compared case-insensitively. Optimal string alignment distance (Levenshtein plus
 * adjacent transpositions), so `cacheEnabld`, `cahceEnabled` and `CacheEnabled` all find
 * `cacheEnabled`.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
    const wanted = name.toLowerCase();
    // One edit per 4 characters, at least 1 and at most 3: close enough to be a typo, far enough
    // that short names do not all suggest one another.
    const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 4)));
    let best: { name: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(wanted, candidate.toLowerCase());
        if (distance <= limit && (best === undefined || distance < best.distance)) {
            best = { name: candidate, distance };
        }
    }
    return best?.name;
}

function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}
