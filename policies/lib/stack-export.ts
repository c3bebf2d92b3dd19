import type { EvaluatedResource } from "../evaluate";

/** A document is not a `pulumi stack export` (version 3) document. */
export class StackExportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackExportError";
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The value the engine sends for a property that is not known (the Node.js SDK's `unknownValue`,
 * @pulumi/pulumi runtime/rpc). The policy server's proxy raises its "can't be known" error when a
 * policy reads it, so a policy neither passes nor fails on a value it cannot see.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** An encrypted secret found in an export: which resource and where in its inputs/outputs. */
export interface EncryptedSecret {
    readonly urn: string;
    /** e.g. `inputs.authToken`, `outputs.policy`. */
    readonly path: string;
}

/**
 * Secrets in an export are `{sig, ciphertext}` (encrypted) or `{sig, plaintext: "<JSON>"}` (with
 * --show-secrets). The policy server only understands `{sig, value}`, so convert: the plaintext is
 * decoded; a ciphertext cannot be read here, so it becomes the unknown value (a policy that reads
 * it reports that it cannot check it, instead of judging a placeholder) and is reported to
 * `encrypted`.
 */
function normalizeSecrets(value: unknown, path: string, encrypted: (path: string) => void): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => normalizeSecrets(v, `${path}[${i}]`, encrypted));
    }
    if (!isRecord(value)) {
        return value;
    }
    if (value[SECRET_SIG] === SECRET_VALUE && !("value" in value)) {
        let inner: unknown;
        if (typeof value["plaintext"] === "string") {
            try {
                inner = JSON.parse(value["plaintext"]);
            } catch {
                inner = value["plaintext"];
            }
        } else {
            encrypted(path);
            inner = UNKNOWN_VALUE;
        }
        return { [SECRET_SIG]: SECRET_VALUE, value: normalizeSecrets(inner, path, encrypted) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSecrets(v, `${path}.${k}`, encrypted)]));
}

function urnList(value: unknown): string[] | undefined {
    return Array.isArray(value) ? value.filter((u): u is string => typeof u === "string") : undefined;
}

/**
 * Adapts a `pulumi stack export` document (`{version: 3, deployment: {resources: [...]}}`):
 * `inputs` feed resource policies and `outputs` stack policies (as under `pulumi up`), `id`,
 * `protect`, `parent`, `dependencies` and `propertyDependencies` are kept, secrets are turned into
 * the wrapper the policy server unwraps (encrypted ones into unknown values, each passed to
 * `onEncrypted`), and resources pending deletion are dropped.
 * Throws StackExportError (message: "is not a `pulumi stack export` document: ...") otherwise.
 */
export function fromStackExport(doc: unknown, onEncrypted?: (secret: EncryptedSecret) => void): EvaluatedResource[] {
    const expected = 'expected {"version": 3, "deployment": {"resources": [...]}} as written by `pulumi stack export`';
    if (!isRecord(doc) || !isRecord(doc["deployment"]) || !Array.isArray(doc["deployment"]["resources"])) {
        throw new StackExportError(`is not a \`pulumi stack export\` document: ${expected}.`);
    }
    if (doc["version"] !== 3) {
        throw new StackExportError(`has export version ${JSON.stringify(doc["version"])}: ${expected}; re-export it with a current Pulumi CLI.`);
    }
    const resources: EvaluatedResource[] = [];
    doc["deployment"]["resources"].forEach((r: unknown, i: number) => {
        if (!isRecord(r) || typeof r["urn"] !== "string" || typeof r["type"] !== "string") {
            throw new StackExportError(`has a deployment.resources[${i}] without urn/type: ${expected}.`);
        }
        if (r["delete"] === true) {
            return; // pending deletion: not part of the stack's desired state
        }
        const urn = r["urn"];
        const encrypted = (path: string) => onEncrypted?.({ urn, path });
        const inputs = isRecord(r["inputs"]) ? r["inputs"] : {};
        const outputs = isRecord(r["outputs"]) ? r["outputs"] : undefined;
        const propertyDependencies = isRecord(r["propertyDependencies"])
            ? Object.fromEntries(Object.entries(r["propertyDependencies"]).map(([k, v]) => [k, urnList(v) ?? []]))
            : undefined;
        resources.push({
            urn,
            type: r["type"],
            props: normalizeSecrets(inputs, "inputs", encrypted) as Record<string, unknown>,
            outputs: normalizeSecrets(outputs ?? inputs, outputs ? "outputs" : "inputs", outputs ? encrypted : () => undefined) as Record<string, unknown>,
            id: typeof r["id"] === "string" && r["id"] !== "" ? r["id"] : undefined,
            opts: { protect: r["protect"] === true, parent: typeof r["parent"] === "string" ? r["parent"] : undefined },
            isCustom: r["custom"] === true,
            dependencies: urnList(r["dependencies"]),
            propertyDependencies,
        });
    });
    return resources;
}
