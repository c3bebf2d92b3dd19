/**
 * Typed reading of raw config values (as Pulumi delivers them: strings, with arrays and objects as
 * JSON) and of the fields of structured entries. Every type problem goes to the shared Problems
 * list; the reader returns a fallback so that validation can go on and report everything at once.
 */
import { Problems } from "./problems";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses a raw config string according to a declared key type. */
export function parseRaw(raw: string, type: "string" | "integer" | "number" | "boolean" | "string[]" | "object[]"): { ok: true; value: unknown } | { ok: false; expected: string } {
    switch (type) {
        case "string":
            return { ok: true, value: raw };
        // Decimal only, as the CLI reads them (an optional sign; no hex, octal, exponent or spaces).
        case "integer":
            return /^[+-]?\d+$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, expected: "an integer" };
        case "number":
            return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, expected: "a number" };
        case "boolean":
            return raw === "true" || raw === "false" ? { ok: true, value: raw === "true" } : { ok: false, expected: "true or false" };
        case "string[]":
        case "object[]": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                return { ok: false, expected: type === "string[]" ? "a YAML list of strings" : "a YAML list of objects" };
            }
            if (!Array.isArray(parsed)) {
                return { ok: false, expected: type === "string[]" ? "a YAML list of strings" : "a YAML list of objects" };
            }
            if (type === "string[]" && parsed.some((v) => typeof v !== "string")) {
                return { ok: false, expected: "a YAML list of strings" };
            }
            if (type === "object[]" && parsed.some((v) => typeof v !== "object" || v === null || Array.isArray(v))) {
                return { ok: false, expected: "a YAML list of objects (mappings)" };
            }
            return { ok: true, value: parsed };
        }
    }
}

/**
 * Reads the fields of one structured entry (e.g. `platform:services[2]`), recording a problem for
 * each wrong type, missing required field and unknown field (nothing is silently ignored).
 */
export class EntryReader {
    private readonly seen = new Set<string>();

    constructor(
        private readonly entry: Record<string, unknown>,
        /** Key path of the entry, e.g. `platform:services[2]`. */
        public readonly path: string,
        private readonly problems: Problems,
    ) {}

    private key(field: string): string {
        return `${this.path}.${field}`;
    }

    private raw(field: string): unknown {
        this.seen.add(field);
        return this.entry[field];
    }

    string(field: string, fallback: string, opts: { required?: boolean; hint?: string } = {}): string {
        const value = this.raw(field);
        if (value === undefined) {
            if (opts.required) {
                this.problems.add(this.key(field), value, `a string is required${opts.hint ? ` (${opts.hint})` : ""}`, `add ${field} to the entry`);
            }
            return fallback;
        }
        if (typeof value !== "string") {
            this.problems.add(this.key(field), value, "must be a string", `quote the value of ${field}`);
            return fallback;
        }
        return value;
    }

    optionalString(field: string): string | undefined {
        const value = this.raw(field);
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string") {
            this.problems.add(this.key(field), value, "must be a string", `quote the value of ${field}`);
            return undefined;
        }
        return value;
    }

    number(field: string, fallback: number, opts: { required?: boolean; integer?: boolean } = {}): number {
        const value = this.raw(field);
        if (value === undefined) {
            if (opts.required) {
                this.problems.add(this.key(field), value, `${opts.integer === false ? "a number" : "an integer"} is required`, `add ${field} to the entry`);
            }
            return fallback;
        }
        const integer = opts.integer ?? true;
        if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
            this.problems.add(this.key(field), value, `must be ${integer ? "an integer" : "a number"}`, `set ${field} to a plain ${integer ? "integer" : "number"}`);
            return fallback;
        }
        return value;
    }

    optionalNumber(field: string): number | undefined {
        return this.entry[field] === undefined ? (this.seen.add(field), undefined) : this.number(field, Number.NaN);
    }

    boolean(field: string, fallback: boolean): boolean {
        const value = this.raw(field);
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.problems.add(this.key(field), value, "must be true or false", `set ${field} to true or false`);
            return fallback;
        }
        return value;
    }

    strings(field: string, opts: { required?: boolean } = {}): string[] {
        const value = this.raw(field);
        if (value === undefined) {
            if (opts.required) {
                this.problems.add(this.key(field), value, "a non-empty list of strings is required", `add ${field}: [ ... ] to the entry`);
            }
            return [];
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            this.problems.add(this.key(field), value, "must be a list of strings", `write ${field} as a YAML list of strings`);
            return [];
        }
        if (opts.required && value.length === 0) {
            this.problems.add(this.key(field), value, "must not be empty", `list at least one value in ${field}`);
        }
        return value as string[];
    }

    /** A nested mapping (e.g. `api:` in a service entry), or undefined when absent. */
    object(field: string): Record<string, unknown> | undefined {
        const value = this.raw(field);
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.problems.add(this.key(field), value, "must be a mapping", `write ${field} as a YAML mapping`);
            return undefined;
        }
        return value as Record<string, unknown>;
    }

    /** A list of mappings (e.g. `globalSecondaryIndexes`). */
    objects(field: string): Record<string, unknown>[] {
        const value = this.raw(field);
        if (value === undefined) {
            return [];
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null || Array.isArray(v))) {
            this.problems.add(this.key(field), value, "must be a list of mappings", `write ${field} as a YAML list of mappings`);
            return [];
        }
        return value as Record<string, unknown>[];
    }

    /** A string-to-string map (e.g. environment variables). */
    stringMap(field: string): Record<string, string> {
        const value = this.object(field);
        if (value === undefined) {
            return {};
        }
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(value)) {
            if (typeof v !== "string") {
                this.problems.add(`${this.key(field)}.${k}`, v, "must be a string", `quote the value of ${k}`);
            } else {
                out[k] = v;
            }
        }
        return out;
    }

    /** Reports fields that were present but never read: typos must not be silently ignored. */
    finish(): void {
        for (const field of Object.keys(this.entry)) {
            if (!this.seen.has(field)) {
                this.problems.add(this.key(field), this.entry[field], `unknown field; allowed: ${[...this.seen].sort().join(", ")}`, `remove ${field} or correct its spelling`);
            }
        }
    }
}
