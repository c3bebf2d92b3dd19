/**
 * Redaction of secrets in the plan's JSON document. Three sources of secrets, three rules:
 *
 * 1. Inputs the program passed as Pulumi secrets (`pulumi.secret(...)`, secret config, outputs the
 *    provider marks secret): the recorder lists their top-level keys in `secretInputs`; each such
 *    key's whole value becomes "[secret]" (Pulumi itself tracks secretness per top-level property
 *    in a resource's inputs, so that is the granularity the record has).
 * 2. Secure config values (`secure:` in Pulumi.<stack>.yaml): never decrypted. The stack reader
 *    hands the program the placeholder "[secret]", so wherever the program used one, the JSON
 *    already shows "[secret]", and that text is the same as rule 1's.
 * 3. Values the random provider generated (RandomPassword `result` and `bcryptHash`, which the
 *    provider marks secret) that reach another resource's inputs without the secret marking,
 *    e.g. interpolated into a string with a plain `apply`: every string input is searched for each
 *    such value (recorded in the RandomPassword's mocked state) and each occurrence is replaced by
 *    "[secret]", inside JSON strings and at any depth. Values shorter than
 *    MIN_DETECTABLE_SECRET_LENGTH are not searched for: too many innocent strings would match.
 *    RandomString results are not treated as secrets (the provider does not mark them secret;
 *    programs use them for name suffixes).
 */
import { RecordedResource } from "../engine/mocks";
import { SECRET_PLACEHOLDER } from "../engine/stack-config";

export const REDACTED = SECRET_PLACEHOLDER;

/** Shorter generated values are not searched for in other inputs (false positives). */
export const MIN_DETECTABLE_SECRET_LENGTH = 8;

/** Output properties of random provider resources that hold generated secrets. */
const RANDOM_SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
};

/** The generated secret values recorded in the state of random provider resources, longest first. */
export function generatedSecrets(resources: readonly RecordedResource[]): string[] {
    const values = new Set<string>();
    for (const r of resources) {
        for (const key of RANDOM_SECRET_OUTPUTS[r.type] ?? []) {
            const value = r.state[key];
            if (typeof value === "string" && value.length >= MIN_DETECTABLE_SECRET_LENGTH) {
                values.add(value);
            }
        }
    }
    // Longest first, so a value containing a shorter one is replaced whole.
    return [...values].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

function redactString(value: string, secrets: readonly string[]): string {
    let out = value;
    for (const secret of secrets) {
        if (out.includes(secret)) {
            out = out.split(secret).join(REDACTED);
        }
    }
    return out;
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
    if (typeof value === "string") {
        return redactString(value, secrets);
    }
    if (Array.isArray(value)) {
        return value.map((v) => redactDeep(v, secrets));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
    }
    return value;
}

/** The inputs of `r` with secrets redacted (rules 1 and 3 above; rule 2 needs nothing). */
export function redactInputs(r: RecordedResource, secrets: readonly string[]): Record<string, unknown> {
    const secretKeys = new Set(r.secretInputs);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r.inputs)) {
        out[key] = secretKeys.has(key) ? REDACTED : secrets.length > 0 ? redactDeep(value, secrets) : value;
    }
    return out;
}
