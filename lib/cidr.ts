/** Minimal IPv4 CIDR arithmetic for config validation (no library on npm is worth a dependency here). */

export interface Cidr {
    readonly text: string;
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) {
        return undefined; // host bits set, e.g. 10.0.0.1/16
    }
    return { text, base: address, prefix };
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const aEnd = a.base + cidrSize(a);
    const bEnd = b.base + cidrSize(b);
    return a.base < bEnd && b.base < aEnd;
}
