import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { loadPolicyConfig, PolicyConfigError, resolvePolicyConfig } from "../../policies/evaluate";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME, policiesByTheme } from "../../policies/rules";

const ROOT = path.join(__dirname, "..", "..");
const POLICIES = path.join(ROOT, "policies");
const ENVS = ["dev", "staging", "prod"] as const;
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
const names = allPolicies.map((p) => p.name);

function readJson(file: string): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

function levelIn(entry: unknown): unknown {
    return typeof entry === "string" ? entry : (entry as { enforcementLevel?: unknown }).enforcementLevel;
}

describe("policy pack metadata", () => {
    it("has at least 40 policies, grouped by theme without overlap", () => {
        assert.ok(allPolicies.length >= 40, `only ${allPolicies.length} policies`);
        const themed = Object.values(policiesByTheme)
            .flat()
            .map((p) => p.name);
        assert.deepStrictEqual(themed, names);
        assert.deepStrictEqual(Object.fromEntries(Object.entries(policiesByTheme).map(([theme, ps]) => [theme, ps.length])), {
            "encryption-at-rest": 13,
            "encryption-in-transit": 12,
            "high-availability": 10,
            baseline: 5,
            "data-protection": 7,
            "logging-and-waf": 7,
        });
    });

    it("names are kebab-case and unique", () => {
        for (const name of names) {
            assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/, name);
        }
        assert.strictEqual(new Set(names).size, names.length);
    });

    it("every description names a Checkov (CKV_AWS_*/CKV2_AWS_*) check or a cdk-nag AwsSolutions-* rule", () => {
        for (const p of allPolicies) {
            assert.match(p.description, /\b(CKV2?_AWS_\d+|AwsSolutions-[A-Z0-9]+)\b/, `${p.name}: ${p.description}`);
            assert.ok(!p.description.includes("\n"), `${p.name}: the server prefixes messages with the description; keep it one line`);
        }
    });

    it("config schemas give every threshold a default, a type and a description, and the defaults validate", () => {
        for (const p of allPolicies) {
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.notStrictEqual(schema.default, undefined, `${p.name}.${key} has no default`);
                assert.ok(schema.type, `${p.name}.${key} has no type`);
                assert.ok(schema.description, `${p.name}.${key} has no description`);
            }
            assert.ok(!p.configSchema?.properties?.["enforcementLevel"], `${p.name}: enforcementLevel is reserved`);
        }
        assert.doesNotThrow(() => resolvePolicyConfig(undefined));
    });

    it("policies with thresholds take them from config", () => {
        const configurable = allPolicies
            .filter((p) => p.configSchema)
            .map((p) => p.name)
            .sort();
        assert.deepStrictEqual(configurable, [
            "apigateway-domain-tls",
            "asg-multi-subnet",
            "aurora-cluster-min-instances",
            "cloudfront-minimum-tls",
            "cloudwatch-log-group-retention",
            "ecs-autoscaling-min-capacity",
            "ecs-service-min-tasks",
            "ecs-service-multi-subnet",
            "elasticache-multi-az-failover",
            "elasticache-snapshot-retention",
            "lb-listener-tls-policy",
            "lb-multi-subnet",
            "rds-backup-retention",
            "s3-bucket-default-encryption",
            "security-group-no-public-ingress",
            "stateful-resources-protected",
            "vpc-multi-az",
        ]);
    });

    it("the pack is platform-guardrails, mandatory by default", () => {
        assert.strictEqual(PACK_NAME, "platform-guardrails");
        assert.strictEqual(PACK_ENFORCEMENT_LEVEL, "mandatory");
        assert.ok(
            allPolicies.every((p) => p.enforcementLevel === undefined),
            "levels come from the pack and the config files",
        );
    });
});

describe("policy pack layout", () => {
    it("PulumiPolicy.yaml declares the nodejs runtime and a description", () => {
        const project = YAML.parse(fs.readFileSync(path.join(POLICIES, "PulumiPolicy.yaml"), "utf8")) as { runtime?: unknown; description: string };
        assert.strictEqual(project.runtime, "nodejs");
        assert.match(project.description, /platform-guardrails/);
    });

    it("package.json has a version, main index.ts, and the root's exact versions of everything a published pack installs", () => {
        const pack = readJson(path.join(POLICIES, "package.json")) as { version: string; main: string; dependencies: Record<string, string> };
        const root = readJson(path.join(ROOT, "package.json")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
        const rootVersions = { ...root.devDependencies, ...root.dependencies };
        assert.match(pack.version, /^\d+\.\d+\.\d+$/);
        assert.strictEqual(pack.main, "index.ts");
        // `pulumi policy publish` uploads policies/ alone and the service installs these: without
        // typescript and ts-node the harness falls back to the TypeScript bundled with the CLI, and
        // tsconfig's types: ["node"] needs @types/node.
        assert.deepStrictEqual(Object.keys(pack.dependencies).sort(), ["@pulumi/aws", "@pulumi/awsx", "@pulumi/policy", "@pulumi/pulumi", "@types/node", "ts-node", "typescript"]);
        for (const [dep, version] of Object.entries(pack.dependencies)) {
            assert.strictEqual(version, rootVersions[dep], `${dep} must pin the root's version`);
        }
    });

    it("tsconfig.json is self-contained (a published pack has no parent directory) and as strict as the root's", () => {
        const read = (file: string) => {
            const parsed = ts.readConfigFile(file, (f) => fs.readFileSync(f, "utf8"));
            assert.strictEqual(parsed.error, undefined, file);
            return parsed.config as { extends?: unknown; compilerOptions: Record<string, unknown> };
        };
        const pack = read(path.join(POLICIES, "tsconfig.json"));
        const root = read(path.join(ROOT, "tsconfig.json"));
        assert.strictEqual(pack.extends, undefined);
        for (const option of [
            "target",
            "lib",
            "strict",
            "noImplicitReturns",
            "noFallthroughCasesInSwitch",
            "noUnusedLocals",
            "noUnusedParameters",
            "esModuleInterop",
            "skipLibCheck",
        ]) {
            assert.deepStrictEqual(pack.compilerOptions[option], root.compilerOptions[option], option);
        }
        // What run-policy-pack's ts-node needs in place of its "nodenext" defaults.
        assert.deepStrictEqual([pack.compilerOptions["module"], pack.compilerOptions["moduleResolution"]], ["commonjs", "node"]);
    });

    it("policies/ is not an npm workspace: the root lockfile does not list it", () => {
        const lock = readJson(path.join(ROOT, "package-lock.json")) as { packages: Record<string, unknown> };
        assert.deepStrictEqual(
            Object.keys(lock.packages).filter((key) => key === "policies" || key.startsWith("policies/")),
            [],
        );
        assert.strictEqual((readJson(path.join(ROOT, "package.json")) as { workspaces?: unknown }).workspaces, undefined);
    });

    it("the pack's dependencies resolve from the repository root (no policies/node_modules needed)", () => {
        // realpath: node_modules may be a symlink (a git worktree sharing another checkout's install).
        const rootModules = fs.realpathSync(path.join(ROOT, "node_modules")) + path.sep;
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi/cmd/run-policy-pack", "@pulumi/aws", "@pulumi/awsx", "ts-node", "typescript", "@types/node/package.json"]) {
            const resolved = fs.realpathSync(require.resolve(dep, { paths: [POLICIES] }));
            assert.ok(resolved.startsWith(rootModules), `${dep} -> ${resolved}`);
        }
    });

    it("index.ts only builds the PolicyPack from allPolicies", () => {
        const source = fs.readFileSync(path.join(POLICIES, "index.ts"), "utf8");
        assert.strictEqual((source.match(/new PolicyPack\(/g) ?? []).length, 1);
        assert.match(source, /policies: allPolicies/);
        assert.match(source, /enforcementLevel: PACK_ENFORCEMENT_LEVEL/);
    });
});

describe("policy config files", () => {
    for (const env of ENVS) {
        describe(`policies/config/${env}.json`, () => {
            const file = path.join(POLICIES, "config", `${env}.json`);

            it("loads and validates against the pack (what --policy-pack-config reads)", () => {
                assert.doesNotThrow(() => loadPolicyConfig(file));
            });

            it("lists every policy exactly once with a valid level", () => {
                const config = readJson(file);
                assert.deepStrictEqual(Object.keys(config).sort(), [...names].sort());
                for (const [name, entry] of Object.entries(config)) {
                    assert.ok(LEVELS.includes(String(levelIn(entry))), `${env}: ${name} has level ${String(levelIn(entry))}`);
                }
            });
        });
    }

    const resolved = (env: string) => resolvePolicyConfig(loadPolicyConfig(path.join(POLICIES, "config", `${env}.json`)));

    it("prod: every policy mandatory, 3 AZs, 7 days of backups, 3 cache nodes", () => {
        const prod = resolved("prod");
        assert.deepStrictEqual(
            Object.entries(prod)
                .filter(([, c]) => c.enforcementLevel !== "mandatory")
                .map(([n]) => n),
            [],
        );
        assert.strictEqual(prod["vpc-multi-az"].properties["minAvailabilityZones"], 3);
        assert.strictEqual(prod["rds-backup-retention"].properties["minBackupRetentionDays"], 7);
        // Issue 4: prod's cache is one primary and at least two replicas.
        assert.strictEqual(prod["elasticache-multi-az-failover"].properties["minNodes"], 3);
    });

    it("dev: encryption at rest, TLS, baseline and logging mandatory; Multi-AZ, cost-heavy HA and teardown blockers advisory", () => {
        const dev = resolved("dev");
        const advisory = Object.entries(dev)
            .filter(([, c]) => c.enforcementLevel === "advisory")
            .map(([n]) => n)
            .sort();
        assert.deepStrictEqual(advisory, [
            "asg-multi-subnet",
            "aurora-cluster-min-instances",
            "dynamodb-deletion-protection",
            "dynamodb-point-in-time-recovery",
            "ecs-autoscaling-min-capacity",
            "ecs-service-min-tasks",
            "ecs-service-multi-subnet",
            "elasticache-multi-az-failover",
            "elasticache-snapshot-retention",
            "lb-deletion-protection",
            "rds-deletion-protection",
            "rds-instance-multi-az",
            "stateful-resources-protected",
            "vpc-multi-az",
            "vpc-nat-gateway-per-az",
        ]);
        for (const theme of ["encryption-at-rest", "encryption-in-transit", "baseline", "logging-and-waf"]) {
            for (const p of policiesByTheme[theme]) {
                assert.strictEqual(dev[p.name].enforcementLevel, "mandatory", p.name);
            }
        }
        assert.strictEqual(dev["lb-multi-subnet"].enforcementLevel, "mandatory", "AWS rejects an ALB with fewer than 2 AZs anyway");
    });

    it("staging: prod's shape; only NAT-per-AZ and protect are advisory", () => {
        const staging = resolved("staging");
        const advisory = Object.entries(staging)
            .filter(([, c]) => c.enforcementLevel !== "mandatory")
            .map(([n]) => n)
            .sort();
        assert.deepStrictEqual(advisory, ["stateful-resources-protected", "vpc-nat-gateway-per-az"]);
        for (const p of policiesByTheme["high-availability"].filter((p) => p.name !== "vpc-nat-gateway-per-az")) {
            assert.strictEqual(staging[p.name].enforcementLevel, "mandatory", p.name);
        }
    });
});

describe("policy config resolution (mirror of the CLI's ReconcilePolicyPackConfig)", () => {
    it("fills schema defaults and the pack level when no config is given", () => {
        const config = resolvePolicyConfig(undefined);
        assert.deepStrictEqual(config["rds-backup-retention"], { enforcementLevel: "mandatory", properties: { minBackupRetentionDays: 7 } });
        assert.deepStrictEqual(config["security-group-no-public-ingress"].properties, { allowedPublicPorts: [443] });
        assert.deepStrictEqual(config["kms-key-rotation"], { enforcementLevel: "mandatory", properties: {} });
    });

    it('applies "all" before per-policy entries, whatever the key order', () => {
        const config = resolvePolicyConfig({ "kms-key-rotation": "mandatory", all: "advisory", "vpc-multi-az": { minAvailabilityZones: 3 } });
        assert.strictEqual(config["kms-key-rotation"].enforcementLevel, "mandatory");
        assert.strictEqual(config["sqs-queue-cmk"].enforcementLevel, "advisory");
        assert.deepStrictEqual(config["vpc-multi-az"], { enforcementLevel: "advisory", properties: { minAvailabilityZones: 3 } });
    });

    it("rejects unknown policies, bad levels, bad values and unknown properties, listing every problem", () => {
        assert.throws(
            () =>
                resolvePolicyConfig(
                    {
                        "no-such-policy": "mandatory",
                        "kms-key-rotation": "strict" as "mandatory",
                        "rds-backup-retention": { minBackupRetentionDays: 0 },
                        "vpc-multi-az": { minAzs: 3 },
                        "security-group-no-public-ingress": { allowedPublicPorts: ["443"] },
                    },
                    allPolicies,
                    "x.json",
                ),
            (e: unknown) => {
                assert.ok(e instanceof PolicyConfigError);
                assert.deepStrictEqual(e.problems, [
                    'unknown policy "no-such-policy": use a policy name of the pack (the keys of policies/config/prod.json)',
                    'kms-key-rotation: "strict" is not a valid enforcement level (use advisory, mandatory, remediate, disabled)',
                    'vpc-multi-az: unknown config property "minAzs" (known: minAvailabilityZones)',
                    'security-group-no-public-ingress.allowedPublicPorts[0] must be of type integer (got "443")',
                    "rds-backup-retention.minBackupRetentionDays must be >= 1 (got 0)",
                ]);
                assert.ok(e.message.startsWith('invalid policy config x.json:\n  - unknown policy "no-such-policy": '));
                return true;
            },
        );
    });

    it("suggests the closest policy name", () => {
        assert.throws(
            () => resolvePolicyConfig({ "s3-bucket-encrypted": "mandatory" }),
            /unknown policy "s3-bucket-encrypted" \(did you mean "s3-bucket-default-encryption"\?\): use a policy name of the pack/,
        );
    });

    it('rejects properties on "all"', () => {
        assert.throws(
            () => resolvePolicyConfig({ all: { enforcementLevel: "advisory", minTasks: 3 } }),
            /all: only "enforcementLevel" may be set for all policies \(got minTasks\)/,
        );
    });
});
