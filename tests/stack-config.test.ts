/**
 * engine/stack-config.ts loads a stack's configuration as the Pulumi CLI hands it to the program:
 * declared defaults applied, required keys enforced, declared types checked, secure values never
 * decrypted. Then the real stacks, loaded that way, resolve through the config module: the
 * "profile" and "" markers Pulumi.yaml declares read as "not set".
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolvePlatformConfig } from "../config";
import { isExplicit, setValue } from "../config/resolve";
import { runStack } from "../engine/run-stack";
import { SECRET_PLACEHOLDER, StackFileError, loadStackConfig, matchesDeclaredType } from "../engine/stack-config";

const ROOT = path.resolve(__dirname, "..");

/** A temporary project: the given Pulumi.yaml and stack files (name -> YAML). */
function project(pulumiYaml: string, stacks: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), pulumiYaml);
    for (const [name, yaml] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), yaml);
    }
    return dir;
}

const PROJECT = `name: demo
runtime: nodejs
config:
  size:
    type: string
    default: small
  count:
    type: integer
    default: 2
  enabled:
    type: boolean
    default: true
  zones:
    type: array
    items:
      type: string
    default: []
  owner:
    type: string
  region:
    type: string
  plain: hello
`;

function load(stackYaml: string, projectYaml = PROJECT) {
    const dir = project(projectYaml, { dev: stackYaml });
    try {
        return loadStackConfig(dir, "dev");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function loadError(stackYaml: string, projectYaml = PROJECT): string {
    try {
        load(stackYaml, projectYaml);
    } catch (err) {
        assert.ok(err instanceof StackFileError, String(err));
        return err.message;
    }
    assert.fail("the stack loaded");
}

describe("stack config: loaded as the Pulumi CLI hands it to the program", () => {
    it("applies declared defaults (and plain values) to keys the stack leaves unset; stack values win", () => {
        const c = load("config:\n  aws:region: eu-west-1\n  demo:owner: team\n  region: x\n  count: 5\n");
        assert.deepStrictEqual(c.config, {
            "aws:region": "eu-west-1",
            "demo:owner": "team",
            "demo:region": "x",
            "demo:count": "5",
            "demo:size": "small",
            "demo:enabled": "true",
            "demo:zones": "[]",
            "demo:plain": "hello",
        });
        assert.strictEqual(c.region, "eu-west-1");
        assert.deepStrictEqual(c.secretKeys, []);
    });

    it("refuses a stack that leaves a key declared without a default unset, naming every one as the CLI does", () => {
        assert.strictEqual(
            loadError("config:\n  demo:owner: team\n"),
            "Stack 'dev' is missing configuration value 'region': set it in Pulumi.dev.yaml (Pulumi.yaml declares it without a default)",
        );
        assert.strictEqual(
            loadError("config: {}\n"),
            "Stack 'dev' is missing configuration values 'owner' and 'region': set them in Pulumi.dev.yaml (Pulumi.yaml declares them without a default)",
        );
    });

    it("checks stack values against the declared types, reporting every wrong one with its value, and missing keys in the same error", () => {
        assert.strictEqual(
            loadError("config:\n  owner: team\n  count: two\n  enabled: yes-please\n  zones: eu-west-1a\n"),
            [
                "Stack 'dev' is missing configuration value 'region': set it in Pulumi.dev.yaml (Pulumi.yaml declares it without a default)",
                `Stack 'dev' with configuration key 'count' must be of type 'integer' (it is "two"): fix the value in Pulumi.dev.yaml (types are declared in Pulumi.yaml)`,
                `Stack 'dev' with configuration key 'enabled' must be of type 'boolean' (it is "yes-please"): fix the value in Pulumi.dev.yaml (types are declared in Pulumi.yaml)`,
                `Stack 'dev' with configuration key 'zones' must be of type 'array<string>' (it is "eu-west-1a"): fix the value in Pulumi.dev.yaml (types are declared in Pulumi.yaml)`,
            ].join("\n"),
        );
        assert.strictEqual(
            loadError("config:\n  owner: [a, b]\n  region: x\n"),
            `Stack 'dev' with configuration key 'owner' must be of type 'string' (it is ["a","b"]): fix the value in Pulumi.dev.yaml (types are declared in Pulumi.yaml)`,
        );
    });

    it("accepts what the CLI accepts: scalars for string keys, numeric strings for integers, quoted booleans", () => {
        const c = load('config:\n  owner: 42\n  region: true\n  count: "7"\n  enabled: "false"\n  zones: [a, b]\n');
        assert.deepStrictEqual(
            [c.config["demo:owner"], c.config["demo:region"], c.config["demo:count"], c.config["demo:enabled"], c.config["demo:zones"]],
            ["42", "true", "7", "false", '["a","b"]'],
        );
    });

    it("refuses a project whose declared default does not have the declared type", () => {
        assert.match(
            loadError("config:\n  owner: o\n  region: r\n", PROJECT.replace("    default: 2", '    default: "two"')),
            /Pulumi\.yaml: The default value specified for configuration key 'count' is not of the expected type 'integer'\. Fix the declaration's default\.$/,
        );
    });

    it("never decrypts secure values, at any depth: the placeholder, and the key is secret", () => {
        const c = load("config:\n  owner: o\n  region: x\n  db:password:\n    secure: v1:AAAA\n  db:tree:\n    a: [1, {secure: v1:BBBB}]\n");
        assert.strictEqual(c.config["db:password"], SECRET_PLACEHOLDER);
        assert.strictEqual(c.config["db:tree"], JSON.stringify({ a: [1, SECRET_PLACEHOLDER] }));
        assert.deepStrictEqual(c.secretKeys.sort(), ["db:password", "db:tree"]);
    });

    it("refuses the project's own keys set as secrets, at any depth: the program reads them as plain values", () => {
        const message = loadError("config:\n  owner:\n    secure: v1:AAAA\n  region: x\n  demo:tree:\n    a: [1, {secure: v1:BBBB}]\n");
        assert.deepStrictEqual(message.split("\n"), [
            "Stack 'dev' sets 'demo:owner' as a secret (secure:): platform keys are plain values, and a secret would reach resource inputs and the state unencrypted: set it without --secret (pulumi config set demo:owner <value>), and keep real secrets in Secrets Manager (services[].secretArns)",
            "Stack 'dev' sets 'demo:tree' as a secret (secure:): platform keys are plain values, and a secret would reach resource inputs and the state unencrypted: set it without --secret (pulumi config set demo:tree <value>), and keep real secrets in Secrets Manager (services[].secretArns)",
        ]);
    });

    it("refuses a stack file that is not a mapping with a config: mapping, or has an unknown top-level key; an empty file has no config", () => {
        const cases: [yaml: string, message: string][] = [
            ["hello world\n", 'Pulumi.dev.yaml must be a YAML mapping with a config: section (config:\n  aws:region: eu-west-1\n  ...), not a string ("hello world").'],
            ["- a\n- b\n", "Pulumi.dev.yaml must be a YAML mapping with a config: section (config:\n  aws:region: eu-west-1\n  ...), not a list."],
            ["config: [a]\n", "Pulumi.dev.yaml: config must be a mapping of keys to values (config:\n  aws:region: eu-west-1), not a list."],
            ["config: text\n", 'Pulumi.dev.yaml: config must be a mapping of keys to values (config:\n  aws:region: eu-west-1), not a string ("text").'],
            [
                "configg:\n  owner: o\n",
                'Pulumi.dev.yaml: unknown top-level key "configg": a stack file holds config, secretsprovider, encryptedkey, encryptionsalt, environment; settings go under config: (e.g. config:\n  platform:environment: dev).',
            ],
        ];
        for (const [yaml, message] of cases) {
            assert.strictEqual(loadError(yaml), message, yaml);
        }
        assert.match(loadError(""), /^Stack 'dev' is missing configuration values 'owner' and 'region'/);
        assert.deepStrictEqual(load("secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  owner: o\n  region: r\n").config["demo:owner"], "o");
    });

    it("matchesDeclaredType mirrors the CLI's ValidateConfigValue", () => {
        const cases: [string, { type: string } | undefined, unknown, boolean][] = [
            ["string", undefined, "a", true],
            ["string", undefined, 1, false],
            ["integer", undefined, 3, true],
            ["integer", undefined, 3.5, false],
            ["integer", undefined, "-12", true],
            ["integer", undefined, "1.0", false],
            ["boolean", undefined, false, true],
            ["boolean", undefined, "true", true],
            ["boolean", undefined, "yes", false],
            ["array", { type: "string" }, ["a"], true],
            ["array", { type: "string" }, ["a", 1], false],
            ["array", undefined, ["a"], false],
        ];
        assert.deepStrictEqual(
            cases.map(([type, items, value]) => matchesDeclaredType(type, items, value)),
            cases.map(([, , , ok]) => ok),
        );
    });
});

describe("stack config: the real stacks under the CLI's rules", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: loads (every required key set, every value of its declared type) and resolves without a problem`, () => {
            const loaded = loadStackConfig(ROOT, stack);
            const raw = Object.fromEntries(
                Object.entries(loaded.config)
                    .filter(([k]) => k.startsWith("platform:"))
                    .map(([k, v]) => [k.slice("platform:".length), v]),
            );
            // Every declared key reaches the program (the CLI applies each declared default).
            assert.strictEqual(raw.availabilityZoneCount, "profile");
            const resolved = resolvePlatformConfig(raw, { project: "platform", region: loaded.region, readFile: (f) => fs.readFileSync(path.join(ROOT, f), "utf8") });
            assert.strictEqual(resolved.environment, stack);
            assert.strictEqual(resolved.network.availabilityZoneCount, stack === "dev" ? 2 : 3, "the profile applies behind the marker");
        });
    }

    it("setValue and isExplicit read the markers and declared defaults as not set", () => {
        const raw = { availabilityZoneCount: "profile", apiDomainName: "", vpcCidr: "10.0.0.0/16", cacheEngine: "redis", natStrategy: "Single", alarmEmails: "[]" };
        assert.deepStrictEqual(
            (["availabilityZoneCount", "apiDomainName", "vpcCidr", "cacheEngine", "natStrategy", "alarmEmails", "cdnAliases"] as const).map((k) => [
                setValue(raw, k),
                isExplicit(raw, k),
            ]),
            [
                [undefined, false],
                [undefined, false],
                ["10.0.0.0/16", false],
                ["redis", true],
                ["Single", true],
                ["[]", false],
                [undefined, false],
            ],
        );
    });

    it("a key in a misspelt namespace is reported through the real program, its value not echoed", async () => {
        const yaml = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace(/^config:\n/m, "config:\n  platfrom:vpcCidr: 10.99.0.0/16\n");
        const dir = project(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), { typo: yaml });
        fs.symlinkSync(path.join(ROOT, "certs"), path.join(dir, "certs"));
        try {
            await assert.rejects(
                runStack("typo", { projectDir: dir }),
                (err: unknown) =>
                    err instanceof Error && err.message.includes('platfrom:vpcCidr = (value not shown): unknown namespace "platfrom"') && !err.message.includes("10.99.0.0/16"),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a stack without aws:region runs into the config validation, not a silent default Region", async () => {
        const yaml = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace(/^ {2}aws:region: .*\n/m, "");
        const dir = project(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), { noregion: yaml });
        fs.symlinkSync(path.join(ROOT, "certs"), path.join(dir, "certs"));
        try {
            await assert.rejects(
                runStack("noregion", { projectDir: dir }),
                /aws:region = \(not set\): an AWS Region code such as eu-west-1 is required\. Fix: set aws:region in Pulumi\.noregion\.yaml/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
