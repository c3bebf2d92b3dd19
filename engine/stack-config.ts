/**
 * Reads a stack's configuration the way the Pulumi CLI does, without the CLI: Pulumi.yaml's
 * declared defaults, overlaid by Pulumi.<stack>.yaml. Values become the strings the engine hands
 * the program (objects and lists as JSON). Secure values are never decrypted: they become a
 * placeholder marked secret.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { show } from "../config/problems";

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

/**
 * Parsed YAML documents, by their text: in this process (the plan loads a stack's files twice: its
 * up-front checks, then the run) and across runs, as JSON under node_modules/.cache (loading the
 * YAML library and parsing is a tenth of a warm plan). Keyed by a hash of the content, so an edited
 * file is parsed again; written atomically; the YAML library loads only on a miss. Pulumi's files
 * hold only strings, numbers, booleans, lists and mappings, which JSON carries exactly. Callers must
 * not mutate the result.
 */
const parsed = new Map<string, unknown>();
const YAML_CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "platform-plan", "yaml");
function parseYaml(text: string): unknown {
    if (!parsed.has(text)) {
        // PLAN_TRANSPILE_CACHE=0 turns the plan's file caches off, this one included.
        const file = process.env.PLAN_TRANSPILE_CACHE === "0" ? undefined : path.join(YAML_CACHE_DIR, `${createHash("sha256").update(text).digest("hex").slice(0, 32)}.json`);
        const cached = file !== undefined ? readCachedJson(file) : undefined;
        if (cached !== undefined) {
            parsed.set(text, cached.value);
        } else {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on a cache miss (see above)
            const value: unknown = (require("yaml") as typeof import("yaml")).parse(text);
            if (file !== undefined) {
                writeCachedJson(file, value);
            }
            parsed.set(text, value);
        }
    }
    return parsed.get(text);
}

function readCachedJson(file: string): { value: unknown } | undefined {
    try {
        return { value: JSON.parse(fs.readFileSync(file, "utf8")) };
    } catch {
        return undefined; // absent or unreadable: parse the YAML again
    }
}

function writeCachedJson(file: string, value: unknown): void {
    const temp = `${file}.${process.pid}.tmp`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(temp, JSON.stringify(value));
        fs.renameSync(temp, file);
    } catch {
        fs.rmSync(temp, { force: true }); // a cache that cannot be written costs only speed
    }
}

/** Top-level keys of a Pulumi stack file (the CLI's ProjectStack): anything else is a typo. */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

/**
 * The parsed stack file as a mapping with an optional `config:` mapping, or a StackFileError that
 * says what the file is instead. An empty file is a stack without config.
 */
function stackDocument(parsed: unknown, file: string): { readonly config?: Record<string, unknown> } {
    const shape = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a mapping" : `a ${typeof v} (${show(v)})`);
    if (parsed === null || parsed === undefined) {
        return {};
    }
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new StackFileError(`${file} must be a YAML mapping with a config: section (config:\n  aws:region: eu-west-1\n  ...), not ${shape(parsed)}.`);
    }
    const doc = parsed as Record<string, unknown>;
    const unknown = Object.keys(doc).filter((key) => !(STACK_FILE_KEYS as readonly string[]).includes(key));
    if (unknown.length > 0) {
        throw new StackFileError(
            `${file}: unknown top-level key${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => `"${key}"`).join(", ")}: a stack file holds ${STACK_FILE_KEYS.join(", ")}; settings go under config: (e.g. config:\n  platform:environment: dev).`,
        );
    }
    const config = doc.config;
    if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
        throw new StackFileError(`${file}: config must be a mapping of keys to values (config:\n  aws:region: eu-west-1), not ${shape(config)}.`);
    }
    return { config: (config ?? undefined) as Record<string, unknown> | undefined };
}

/** Lists the stacks that have a Pulumi.<stack>.yaml in `projectDir`. */
export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A `config:` declaration of Pulumi.yaml, in its object form. */
interface Declaration {
    readonly type?: string;
    readonly items?: ItemsType;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
}

interface ItemsType {
    readonly type: string;
    readonly items?: ItemsType;
}

/** Pulumi.yaml's `config:` entries: a plain value is shorthand for `{ default: value }`, as the CLI reads it. */
function declarations(config: Record<string, unknown>): [string, Declaration][] {
    return Object.entries(config).map(([key, d]) => [key, d !== null && typeof d === "object" && !Array.isArray(d) ? (d as Declaration) : { default: d }]);
}

/** The CLI's type name of a declaration: `integer`, `array<string>`, ... */
function typeName(type: string, items: ItemsType | undefined): string {
    return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/**
 * The CLI's check of a value against a declared type (ValidateConfigValue in pulumi's
 * sdk/go/common/workspace/project.go): strings are strings; integers are whole numbers or strings
 * that parse as one; booleans are booleans or "true"/"false"; arrays check every item.
 */
export function matchesDeclaredType(type: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        default:
            return Array.isArray(value) && items !== undefined && value.every((v) => matchesDeclaredType(items.type, items.items, v));
    }
}

/** "'a'", "'a' and 'b'", "'a', 'b' and 'c'": the CLI's list of missing keys. */
function quotedList(keys: string[]): string {
    const quoted = [...keys].sort().map((k) => `'${k}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

export function readProjectFile(projectDir: string): { name: string; config: Record<string, unknown> } {
    const file = path.join(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${file} not found: run from the repository root`);
    }
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { name?: string; config?: Record<string, unknown> };
    if (!doc?.name) {
        throw new StackFileError(`${file} has no project name`);
    }
    const config = doc.config ?? {};
    // The CLI refuses a project whose declared default does not have the declared type.
    const badDefaults = declarations(config)
        .filter(([, d]) => d.type !== undefined && d.default !== undefined && !matchesDeclaredType(d.type, d.items, d.default))
        .map(([key, d]) => `The default value specified for configuration key '${key}' is not of the expected type '${typeName(d.type ?? "", d.items)}'`);
    if (badDefaults.length > 0) {
        throw new StackFileError(`${file}: ${badDefaults.join("; ")}. Fix the declaration's default.`);
    }
    return { name: doc.name, config };
}

/**
 * Loads a stack's configuration as the Pulumi CLI hands it to the program (mergeConfig and
 * validateStackConfigValues in pulumi's sdk/go/common/workspace/config.go): a declared key the
 * stack leaves unset takes the declaration's default (or value); a key of the project's namespace
 * declared without either is required, and a stack that leaves it unset is refused; a stack value
 * must have the declared type. Unlike the CLI, which stops at the first wrong type, every wrong
 * type is reported. Secure values are never decrypted, so their type cannot be checked here.
 */
export function loadStackConfig(projectDir: string, stack: string): StackConfig {
    const project = readProjectFile(projectDir);
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = listStacks(projectDir);
        throw new StackFileError(
            `unknown stack "${stack}": ${path.basename(stackFile)} does not exist. Known stacks: ${known.join(", ") || "none"}. Create the stack file or pass --stack with one of them.`,
        );
    }
    let parsed: unknown;
    try {
        parsed = parseYaml(fs.readFileSync(stackFile, "utf8"));
    } catch (err) {
        throw new StackFileError(`${path.basename(stackFile)} is not valid YAML: ${(err as Error).message}`);
    }
    const stackDoc = stackDocument(parsed, path.basename(stackFile));

    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const stackValues = new Map<string, unknown>();

    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const full = qualify(key);
        const redacted = redactSecure(value);
        config[full] = toEngineString(redacted.value);
        stackValues.set(full, value);
        if (redacted.secret) {
            secretKeys.push(full);
        }
    }

    const missing: string[] = [];
    const wrongType: string[] = [];
    for (const [key, declaration] of declarations(project.config)) {
        const full = qualify(key);
        const fallback = declaration.default ?? declaration.value;
        if (!stackValues.has(full)) {
            if (fallback !== undefined) {
                config[full] = toEngineString(fallback);
            } else if (full.startsWith(`${project.name}:`)) {
                missing.push(key);
            }
            continue;
        }
        const value = stackValues.get(full);
        if (declaration.secret && !isSecure(value)) {
            wrongType.push(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
        }
        // The CLI checks scalars as the strings it stores them as, lists and mappings as parsed.
        const content = value !== null && typeof value === "object" ? value : toEngineString(value);
        if (declaration.type !== undefined && !secretKeys.includes(full) && !matchesDeclaredType(declaration.type, declaration.items, content)) {
            wrongType.push(`Stack '${stack}' with configuration key '${key}' must be of type '${typeName(declaration.type, declaration.items)}' (it is ${show(value)})`);
        }
    }
    // Both kinds at once (the CLI stops at the first), so one run shows everything to fix.
    const found = [
        ...(missing.length > 0
            ? [
                  `Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ${quotedList(missing)}: set ${missing.length === 1 ? "it" : "them"} in ${path.basename(stackFile)} (Pulumi.yaml declares ${missing.length === 1 ? "it" : "them"} without a default)`,
              ]
            : []),
        ...wrongType.map((w) => `${w}: fix the value in ${path.basename(stackFile)} (types are declared in Pulumi.yaml)`),
        // The CLI accepts these, but the program reads platform keys as plain values: a secret
        // would reach resource inputs and the state unencrypted (README: Configuration).
        ...secretKeys
            .filter((key) => key.startsWith(`${project.name}:`))
            .map(
                (key) =>
                    `Stack '${stack}' sets '${key}' as a secret (secure:): platform keys are plain values, and a secret would reach resource inputs and the state unencrypted: set it without --secret (pulumi config set ${key} <value>), and keep real secrets in Secrets Manager (services[].secretArns)`,
            ),
    ];
    if (found.length > 0) {
        throw new StackFileError(found.join("\n"));
    }
    return { project: project.name, stack, region: config["aws:region"], config, secretKeys };
}
