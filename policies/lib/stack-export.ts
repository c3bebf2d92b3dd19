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
 * Secrets in an export are `{sig, ciphertext}` (encrypted) or `{sig, plaintext: "<JSON>"}` (with
 * --show-secrets). The policy server only understands `{sig, value}`, so convert: the plaintext is
 * decoded, and an encrypted value becomes the string "[secret]" (policies never need its content).
 */
function normalizeSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(normalizeSecrets);
    }
    if (!isRecord(value)) {
        return value;
    }
    if (value[SECRET_SIG] === SECRET_VALUE && !("value" in value)) {
        let inner: unknown = "[secret]";
        if (typeof value["plaintext"] === "string") {
            try {
                inner = JSON.parse(value["plaintext"]);
            } catch {
                inner = value["plaintext"];
            }
        }
        return { [SECRET_SIG]: SECRET_VALUE, value: normalizeSecrets(inner) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSecrets(v)]));
}

function urnList(value: unknown): string[] | undefined {
    return Array.isArray(value) ? value.filter((u): u is string => typeof u === "string") : undefined;
}

/**
 * Adapts a `pulumi stack export` document (`{version: 3, deployment: {resources: [...]}}`):
 * `inputs` feed resource policies and `outputs` stack policies (as under `pulumi up`), `id`,
 * `protect`, `parent`, `dependencies` and `propertyDependencies` are kept, secrets are turned into
 * the wrapper the policy server unwraps, and resources pending deletion are dropped.
 * Throws StackExportError (message: "is not a `pulumi stack export` document: ...") otherwise.
 */
export function fromStackExport(doc: unknown): EvaluatedResource[] {
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
        const inputs = isRecord(r["inputs"]) ? r["inputs"] : {};
        const outputs = isRecord(r["outputs"]) ? r["outputs"] : inputs;
        const propertyDependencies = isRecord(r["propertyDependencies"])
            ? Object.fromEntries(Object.entries(r["propertyDependencies"]).map(([k, v]) => [k, urnList(v) ?? []]))
            : undefined;
        resources.push({
            urn: r["urn"],
            type: r["type"],
            props: normalizeSecrets(inputs) as Record<string, unknown>,
            outputs: normalizeSecrets(outputs) as Record<string, unknown>,
            id: typeof r["id"] === "string" && r["id"] !== "" ? r["id"] : undefined,
            opts: { protect: r["protect"] === true, parent: typeof r["parent"] === "string" ? r["parent"] : undefined },
            isCustom: r["custom"] === true,
            dependencies: urnList(r["dependencies"]),
            propertyDependencies,
        });
    });
    return resources;
}
