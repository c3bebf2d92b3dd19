/**
 * Application Load Balancer listener-rule matching as pure functions: which rule a request reaches
 * and what a rule's patterns cover. Config validation uses them to prove that every path the API
 * forwards to a service reaches that service's rule; the platform tests replay the recorded rules
 * of each stack with them.
 *
 * ALB semantics (ELB guide, "Condition types for listener rules"; CloudFormation
 * `AWS::ElasticLoadBalancingV2::ListenerRule` HostHeaderConfig / PathPatternConfig):
 * - a rule's conditions are ANDed; the values of one condition are ORed; a rule without a
 *   host-header (or path-pattern) condition accepts every host (or path);
 * - in a value, `*` matches 0 or more characters (`/` included), `?` exactly one, any other
 *   character itself;
 * - path patterns compare case-sensitively against the path only (not the query string); host
 *   patterns compare case-insensitively;
 * - rules are evaluated in priority order, lowest number first; the first rule that matches wins;
 *   the listener's default action answers what no rule matches.
 */
import { Problems } from "../config/problems";

/**
 * The ALB's limits on one rule's conditions (ELB guide, "Condition types for listener rules"):
 * condition values per rule, match evaluations per condition, wildcards per rule.
 */
export const ALB_RULE_LIMITS = { conditionValues: 5, valuesPerCondition: 3, wildcardsPerRule: 5 } as const;

/** The host-header and path-pattern values of one listener rule (empty: no such condition). */
export interface AlbRuleConditions {
    readonly hostPatterns: readonly string[];
    readonly pathPatterns: readonly string[];
}

/** A listener rule: its priority and conditions. */
export interface AlbRule extends AlbRuleConditions {
    readonly priority: number;
}

/** What the ALB routes on: the Host header and the URL path. */
export interface AlbRequest {
    readonly host: string;
    readonly path: string;
}

type Token = { readonly kind: "star" } | { readonly kind: "one" } | { readonly kind: "char"; readonly ch: string };

function tokenize(pattern: string, caseInsensitive: boolean): Token[] {
    const text = caseInsensitive ? pattern.toLowerCase() : pattern;
    return [...text].map((ch): Token => (ch === "*" ? { kind: "star" } : ch === "?" ? { kind: "one" } : { kind: "char", ch }));
}

/** True when an ALB pattern (`*` = 0 or more characters, `?` = exactly one) matches the whole value. */
export function albPatternMatches(pattern: string, value: string, caseInsensitive = false): boolean {
    const p = tokenize(pattern, caseInsensitive);
    const v = [...(caseInsensitive ? value.toLowerCase() : value)];
    // Greedy matching with backtracking to the last star: linear in practice, exact for * and ?.
    let i = 0;
    let j = 0;
    let starAt = -1;
    let starValueAt = 0;
    while (j < v.length) {
        const t = p[i] as Token | undefined;
        if (t !== undefined && (t.kind === "one" || (t.kind === "char" && t.ch === v[j]))) {
            i++;
            j++;
        } else if (t !== undefined && t.kind === "star") {
            starAt = i;
            starValueAt = j;
            i++;
        } else if (starAt >= 0) {
            i = starAt + 1;
            starValueAt++;
            j = starValueAt;
        } else {
            return false;
        }
    }
    while (i < p.length && p[i].kind === "star") {
        i++;
    }
    return i === p.length;
}

/** True when the host-header condition (values ORed, case-insensitive) accepts `host`; no values: no condition. */
export function hostConditionMatches(hostPatterns: readonly string[], host: string): boolean {
    return hostPatterns.length === 0 || hostPatterns.some((pattern) => albPatternMatches(pattern, host, true));
}

/** True when the path-pattern condition (values ORed, case-sensitive) accepts `path`; no values: no condition. */
export function pathConditionMatches(pathPatterns: readonly string[], path: string): boolean {
    return pathPatterns.length === 0 || pathPatterns.some((pattern) => albPatternMatches(pattern, path));
}

/** True when every condition of the rule accepts the request (conditions are ANDed). */
export function ruleMatches(rule: AlbRuleConditions, request: AlbRequest): boolean {
    return hostConditionMatches(rule.hostPatterns, request.host) && pathConditionMatches(rule.pathPatterns, request.path);
}

/** The rule the ALB applies to a request: the matching rule with the lowest priority number, or undefined (default action). */
export function firstMatchingRule<R extends AlbRule>(rules: readonly R[], request: AlbRequest): R | undefined {
    return [...rules].sort((a, b) => a.priority - b.priority).find((rule) => ruleMatches(rule, request));
}

/** True when some string matches both patterns (each `*`/`?` pattern describes a regular set). */
export function albPatternsOverlap(a: string, b: string, caseInsensitive = false): boolean {
    const x = tokenize(a, caseInsensitive);
    const y = tokenize(b, caseInsensitive);
    // Reachability over pairs of positions: a star may match nothing (advance past it) or one more
    // character (stay on it); two tokens can consume the same character unless both are different literals.
    const seen = new Set<string>();
    const queue: [number, number][] = [[0, 0]];
    while (queue.length > 0) {
        const [i, j] = queue.pop() as [number, number];
        const key = `${i},${j}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        if (i === x.length && j === y.length) {
            return true;
        }
        const s = x[i] as Token | undefined;
        const t = y[j] as Token | undefined;
        if (s?.kind === "star") {
            queue.push([i + 1, j]);
        }
        if (t?.kind === "star") {
            queue.push([i, j + 1]);
        }
        if (s !== undefined && t !== undefined && !(s.kind === "char" && t.kind === "char" && s.ch !== t.ch)) {
            const next: [number, number] = [s.kind === "star" ? i : i + 1, t.kind === "star" ? j : j + 1];
            if (next[0] !== i || next[1] !== j) {
                queue.push(next);
            }
        }
    }
    return false;
}

/**
 * True when the patterns together match `prefix` followed by ANY non-empty string (what an API
 * Gateway `{proxy+}` below `prefix` forwards), e.g. `["/orders/*"]` covers `/orders/`.
 *
 * Exact, not sampled: take a character `c` that occurs in no pattern; only `*` and `?` can match
 * it, and they match any character, so the patterns match every string `prefix + w` of length n
 * exactly when one of them matches `prefix + c^n`. For n longer than a pattern, at least one `c`
 * is taken by a star, which takes one more as easily, so checking n = 1 .. (longest pattern + 1)
 * decides every length.
 */
export function albPatternsCoverAllBelow(patterns: readonly string[], prefix: string): boolean {
    if (patterns.length === 0) {
        return true;
    }
    const used = new Set(patterns.join(""));
    let code = 1;
    while (used.has(String.fromCharCode(code))) {
        code++;
    }
    const c = String.fromCharCode(code);
    const longest = Math.max(...patterns.map((p) => [...p].length));
    for (let n = 1; n <= longest + 1; n++) {
        const value = prefix + c.repeat(n);
        if (!patterns.some((pattern) => albPatternMatches(pattern, value))) {
            return false;
        }
    }
    return true;
}

/** Number of wildcard characters (`*`, `?`) in a rule's values: an ALB rule allows at most five. */
export function albWildcardCount(values: readonly string[]): number {
    return values.reduce((n, value) => n + [...value].filter((ch) => ch === "*" || ch === "?").length, 0);
}

/**
 * The ALB's limits on one listener rule's host and path conditions (ELB guide, "Condition types
 * for listener rules"): at most five condition values in all, three match evaluations per
 * condition, five wildcards per rule. Shared by config validation and InternalAlbService.
 */
export function checkAlbRuleLimits(
    problems: Problems,
    hosts: readonly string[],
    paths: readonly string[],
    keys: { readonly rule: string; readonly hostPatterns: string; readonly pathPatterns: string },
): void {
    problems.check(
        hosts.length + paths.length <= ALB_RULE_LIMITS.conditionValues,
        keys.rule,
        { hostPatterns: hosts, pathPatterns: paths },
        `has ${hosts.length + paths.length} host/path values; an ALB rule allows at most ${ALB_RULE_LIMITS.conditionValues} condition values in total`,
        "use wildcards (e.g. /orders/*) to need fewer values",
    );
    for (const [field, patterns] of [
        ["hostPatterns", hosts],
        ["pathPatterns", paths],
    ] as const) {
        problems.check(
            patterns.length <= ALB_RULE_LIMITS.valuesPerCondition,
            keys[field],
            patterns,
            `has ${patterns.length} values; an ALB rule condition allows at most ${ALB_RULE_LIMITS.valuesPerCondition} match evaluations`,
            field === "hostPatterns" ? "use a wildcard (e.g. *.internal.example.com) to need fewer host values" : "use wildcards (e.g. /orders/*) to need fewer path values",
        );
    }
    const wildcards = albWildcardCount([...hosts, ...paths]);
    problems.check(
        wildcards <= ALB_RULE_LIMITS.wildcardsPerRule,
        keys.rule,
        { hostPatterns: hosts, pathPatterns: paths },
        `has ${wildcards} wildcards (* or ?) in its host/path values; an ALB rule allows at most ${ALB_RULE_LIMITS.wildcardsPerRule}`,
        "use fewer wildcards (one trailing /* per path usually suffices)",
    );
}
