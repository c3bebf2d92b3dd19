/**
 * Reads a stack's configuration the way the Pulumi CLI does, without the CLI: Pulumi.yaml's
 * declared defaults, overlaid by Pulumi.<stack>.yaml. Values become the strings the engine hands
 * the program (objects and lists as JSON). Secure values are never decrypted: they become a
 * placeholder marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly region: string | undefined;
    /** Full key -> engine string value. */
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

/** A problem reading the stack files (unknown stack, missing or malformed file). */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

function toEngineString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/**
 * Replaces every `{ secure: ... }` in a value, at any depth, by the placeholder. `pulumi config set
 * --secret --path` stores a secret inside a structured value this way; the CLI then hands the
 * program the whole key as a secret. Returns the value and whether it held a secure part.
 */
function redactSecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) {
        return { value: SECRET_PLACEHOLDER, secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map(redactSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value).map(([k, v]) => [k, redactSecure(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])), secret: entries.some(([, r]) => r.secret) };
    }
    return { value, secret: false };
}

/** Lists the stacks that have a Pulumi.<stack>.yaml in `projectDir`. */
export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function readProjectFile(projectDir: string): { name: string; config: Record<string, unknown> } {
    const file = path.join(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${file} not found: run from the repository root`);
    }
    const doc = parse(fs.readFileSync(file, "utf8")) as { name?: string; config?: Record<string, unknown> };
    if (!doc?.name) {
        throw new StackFileError(`${file} has no project name`);
    }
    return { name: doc.name, config: doc.config ?? {} };
}

export function loadStackConfig(projectDir: string, stack: string): StackConfig {
    const project = readProjectFile(projectDir);
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = listStacks(projectDir);
        throw new StackFileError(
            `unknown stack "${stack}": ${path.basename(stackFile)} does not exist. Known stacks: ${known.join(", ") || "none"}. Create the stack file or pass --stack with one of them.`,
        );
    }
    let stackDoc: { config?: Record<string, unknown> } | null;
    try {
        stackDoc = parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (err) {
        throw new StackFileError(`${path.basename(stackFile)} is not valid YAML: ${(err as Error).message}`);
    }

    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];

    // Project-level declarations: apply their defaults, as the CLI does for keys a stack leaves unset.
    for (const [key, declaration] of Object.entries(project.config)) {
        if (declaration !== null && typeof declaration === "object" && "default" in declaration) {
            config[qualify(key)] = toEngineString(declaration.default);
        } else if (declaration === null || typeof declaration !== "object") {
            config[qualify(key)] = toEngineString(declaration);
        }
    }
    for (const [key, value] of Object.entries(stackDoc?.config ?? {})) {
        const full = qualify(key);
        const redacted = redactSecure(value);
        config[full] = toEngineString(redacted.value);
        if (redacted.secret) {
            secretKeys.push(full);
        }
    }
    return { project: project.name, stack, region: config["aws:region"], config, secretKeys };
}
