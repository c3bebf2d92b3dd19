import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CacheTier, CacheTierArgs, cacheClientPolicyStatements, cacheParameterFamily, spreadOverAvailabilityZones, validateCacheTierArgs } from "../../components/cache-tier";
import { ValidationError, formatProblem } from "../../config/problems";
import { CacheEngine } from "../../config/types";
import { MOCK_ACCOUNT_ID, shortHash } from "../../engine/mocks";
import { CACHE_FIXTURE, cacheTierDevArgs, cacheTierProdArgs } from "../fixtures/cache-tier";
import { Recorded, record, resolveOutput } from "../support/harness";

const T = {
    component: "platform:data:CacheTier",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    subnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    params: "aws:elasticache/parameterGroup:ParameterGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    password: "random:index/randomPassword:RandomPassword",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
} as const;

/** What the mock engine answers for the children of a CacheTier named `cache` (engine/mocks.ts outputsFor). */
const hash = (type: string, name: string, n = 7) => shortHash(`${type}::${name}`, n);
const expected = {
    secretArn: `arn:aws:secretsmanager:eu-west-1:${MOCK_ACCOUNT_ID}:secret:cache-auth-${hash(T.secret, "cache-auth")}-${hash(T.secret, "cache-auth", 6)}`,
    sgId: `sg-${hash(T.sg, "cache-sg", 17)}`,
    primary: (id: string) => `master.${id}.${hash(T.group, "cache-group", 6)}.euwest1.cache.amazonaws.com`,
    reader: (id: string) => `replica.${id}.${hash(T.group, "cache-group", 6)}.euwest1.cache.amazonaws.com`,
};

const build = (args: CacheTierArgs) => record(() => new CacheTier("cache", args), { region: CACHE_FIXTURE.region });

/** Every problem of `args`, formatted exactly as the ValidationError lists it. */
const messages = (args: CacheTierArgs) => validateCacheTierArgs(args).list.map(formatProblem);

describe("CacheTier", () => {
    let dev: { value: CacheTier; resources: Recorded };
    let prod: { value: CacheTier; resources: Recorded };
    before(async () => {
        dev = await build(cacheTierDevArgs);
        prod = await build(cacheTierProdArgs);
    });

    describe("baselines", () => {
        const counts = {
            "pulumi:pulumi:Stack": 1,
            [T.component]: 1,
            [T.subnetGroup]: 1,
            [T.params]: 1,
            [T.sg]: 1,
            [T.logGroup]: 2,
            [T.password]: 1,
            [T.group]: 1,
            [T.secret]: 1,
            [T.secretVersion]: 1,
        };

        it("dev (1 node) creates exactly these resources", () => {
            assert.deepStrictEqual(dev.resources.countByType(), counts);
        });

        it("prod (3 nodes) creates the same resources: the replicas are nodes of the one group", () => {
            assert.deepStrictEqual(prod.resources.countByType(), counts);
        });

        it("every child is parented to the component", () => {
            const component = prod.resources.one(T.component);
            assert.strictEqual(prod.resources.childrenOf(component).length, 9);
        });

        it("both baselines validate without problems", () => {
            assert.deepStrictEqual(messages(cacheTierDevArgs), []);
            assert.deepStrictEqual(messages(cacheTierProdArgs), []);
        });
    });

    describe("replication group", () => {
        it("dev: one node, no failover, no Multi-AZ, no AZ pinning", () => {
            const g = dev.resources.one(T.group, "cache-group").inputs;
            assert.strictEqual(g.numCacheClusters, 1);
            assert.strictEqual(g.automaticFailoverEnabled, false);
            assert.strictEqual(g.multiAzEnabled, false);
            assert.ok(!("preferredCacheClusterAzs" in g));
            assert.strictEqual(g.nodeType, "cache.t4g.micro");
            assert.strictEqual(g.snapshotRetentionLimit, 1);
        });

        it("prod: 1 primary + 2 replicas, automatic failover, Multi-AZ, primary AZ first", () => {
            const g = prod.resources.one(T.group, "cache-group").inputs;
            assert.strictEqual(g.numCacheClusters, 3);
            assert.strictEqual(g.automaticFailoverEnabled, true);
            assert.strictEqual(g.multiAzEnabled, true);
            assert.deepStrictEqual(g.preferredCacheClusterAzs, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
            assert.strictEqual(g.nodeType, "cache.r7g.large");
        });

        it("spreads the nodes round-robin over the subnets' AZs, the primary in the first", async () => {
            const azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
            assert.deepStrictEqual(await resolveOutput(spreadOverAvailabilityZones(azs, 3)), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
            assert.deepStrictEqual(await resolveOutput(spreadOverAvailabilityZones(azs.slice(0, 2), 3)), ["eu-west-1a", "eu-west-1b", "eu-west-1a"]);
            assert.deepStrictEqual(await resolveOutput(spreadOverAvailabilityZones(azs, 1)), ["eu-west-1a"]);
        });

        it("takes the node AZs as an Output (the Network's AZ names) and passes them on", async () => {
            const azs = spreadOverAvailabilityZones(pulumi.output(["eu-west-1b", "eu-west-1c"]), 3);
            const { resources } = await build({ ...cacheTierProdArgs, availabilityZones: azs });
            assert.deepStrictEqual(resources.one(T.group).inputs.preferredCacheClusterAzs, ["eu-west-1b", "eu-west-1c", "eu-west-1b"]);
        });

        it("identity, engine, cluster mode disabled, port, networking", () => {
            const g = prod.resources.one(T.group, "cache-group").inputs;
            assert.strictEqual(g.replicationGroupId, "platform-prod");
            assert.strictEqual(g.description, "Cache-aside cache of the platform (platform-prod)");
            assert.strictEqual(g.engine, "valkey");
            assert.strictEqual(g.engineVersion, "8.0");
            assert.strictEqual(g.clusterMode, "disabled");
            assert.strictEqual(g.port, 6379);
            assert.strictEqual(g.subnetGroupName, "platform-prod-subnets");
            assert.deepStrictEqual(g.securityGroupIds, [expected.sgId]);
            assert.strictEqual(g.parameterGroupName, "platform-prod-valkey8");
        });

        it("encrypts at rest with the data CMK and in transit in required mode", () => {
            const g = prod.resources.one(T.group, "cache-group").inputs;
            assert.strictEqual(g.atRestEncryptionEnabled, true);
            assert.strictEqual(g.kmsKeyId, CACHE_FIXTURE.dataKeyArn);
            assert.strictEqual(g.transitEncryptionEnabled, true);
            assert.strictEqual(g.transitEncryptionMode, "required");
        });

        it("sets the AUTH token as a secret input with the ROTATE update strategy", () => {
            const g = prod.resources.one(T.group, "cache-group");
            assert.ok(g.secretInputs.includes("authToken"), `secret inputs: ${g.secretInputs.join(", ")}`);
            assert.strictEqual(g.inputs.authTokenUpdateStrategy, "ROTATE");
            assert.match(String(g.inputs.authToken), /^[A-Za-z0-9!&#$^<>-]{64}$/);
        });

        it("snapshots, maintenance and upgrades: defaults applied, changes wait for the window", () => {
            const g = prod.resources.one(T.group, "cache-group").inputs;
            assert.strictEqual(g.snapshotRetentionLimit, 7);
            assert.strictEqual(g.snapshotWindow, "03:00-04:00");
            assert.strictEqual(g.maintenanceWindow, "sun:05:00-sun:06:00");
            assert.strictEqual(g.autoMinorVersionUpgrade, true);
            assert.strictEqual(g.applyImmediately, false);
        });

        it("delivers slow log and engine log as JSON to the two log groups", () => {
            assert.deepStrictEqual(prod.resources.one(T.group, "cache-group").inputs.logDeliveryConfigurations, [
                { destinationType: "cloudwatch-logs", destination: "/aws/elasticache/platform-prod/slow-log", logFormat: "json", logType: "slow-log" },
                { destinationType: "cloudwatch-logs", destination: "/aws/elasticache/platform-prod/engine-log", logFormat: "json", logType: "engine-log" },
            ]);
        });

        it("defaults failover and Multi-AZ to on when there are 2+ nodes and no flags", async () => {
            const { resources } = await build({ ...cacheTierProdArgs, automaticFailoverEnabled: undefined, multiAzEnabled: undefined, nodeCount: 2, availabilityZones: undefined });
            const g = resources.one(T.group).inputs;
            assert.strictEqual(g.automaticFailoverEnabled, true);
            assert.strictEqual(g.multiAzEnabled, true);
            assert.strictEqual(g.numCacheClusters, 2);
        });
    });

    describe("data safety", () => {
        it("protect: true protects and retains the replication group and the secret", () => {
            for (const r of [prod.resources.one(T.group), prod.resources.one(T.secret)]) {
                assert.strictEqual(r.protect, true, r.name);
                assert.strictEqual(r.retainOnDelete, true, r.name);
            }
        });

        it("protect: false leaves them unprotected", () => {
            for (const r of [dev.resources.one(T.group), dev.resources.one(T.secret)]) {
                assert.strictEqual(r.protect, false, r.name);
                assert.strictEqual(r.retainOnDelete, false, r.name);
            }
        });

        it("only the group and the secret are protected; what the retained group still uses is retained with it", () => {
            const namesWith = (flag: "protect" | "retainOnDelete") =>
                prod.resources.all
                    .filter((r) => r[flag])
                    .map((r) => r.name)
                    .sort();
            assert.deepStrictEqual(namesWith("protect"), ["cache-auth", "cache-group"]);
            assert.deepStrictEqual(namesWith("retainOnDelete"), ["cache-auth", "cache-engine-log", "cache-group", "cache-params", "cache-sg", "cache-slow-log", "cache-subnets"]);
            const supporting: string[] = [T.subnetGroup, T.params, T.sg, T.logGroup];
            for (const r of prod.resources.all.filter((x) => x.retainOnDelete && !x.protect)) {
                assert.ok(supporting.includes(r.type), r.type);
            }
        });

        it("protect: false retains nothing", () => {
            assert.deepStrictEqual(
                dev.resources.all.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name),
                [],
            );
        });
    });

    describe("AUTH token and secret", () => {
        it("generates 64 characters from letters, digits and ElastiCache's permitted specials only", () => {
            assert.deepStrictEqual(prod.resources.one(T.password, "cache-auth-token").inputs, {
                length: 64,
                upper: true,
                lower: true,
                numeric: true,
                special: true,
                overrideSpecial: "!&#$^<>-",
                minSpecial: 1,
                minUpper: 1,
                minLower: 1,
                minNumeric: 1,
            });
        });

        it("generates letters and digits only when specialCharacters is empty", async () => {
            const { resources } = await build({ ...cacheTierDevArgs, authToken: { length: 32, specialCharacters: "" } });
            const p = resources.one(T.password).inputs;
            assert.strictEqual(p.length, 32);
            assert.strictEqual(p.special, false);
            assert.ok(!("overrideSpecial" in p));
            assert.ok(!("minSpecial" in p));
        });

        it("stores the token in a secret under the data CMK with a recovery window", () => {
            assert.deepStrictEqual(prod.resources.one(T.secret, "cache-auth").inputs, {
                description: "AUTH token and endpoints of cache platform-prod",
                kmsKeyId: CACHE_FIXTURE.dataKeyArn,
                recoveryWindowInDays: 7,
            });
        });

        it("the secret version holds the group's token and endpoints, as a secret input", () => {
            const version = prod.resources.one(T.secretVersion, "cache-auth");
            assert.ok(version.secretInputs.includes("secretString"));
            assert.strictEqual(version.inputs.secretId, expected.secretArn);
            const value = JSON.parse(String(version.inputs.secretString)) as Record<string, unknown>;
            assert.deepStrictEqual(value, {
                authToken: prod.resources.one(T.group).inputs.authToken,
                host: expected.primary("platform-prod"),
                readerHost: expected.reader("platform-prod"),
                port: 6379,
            });
        });
    });

    describe("parameter group, logs, network", () => {
        it("parameter group: family from engine and major version, allkeys-lru for cache-aside", () => {
            assert.deepStrictEqual(prod.resources.one(T.params, "cache-params").inputs, {
                name: "platform-prod-valkey8",
                family: "valkey8",
                description: "Parameters of cache platform-prod (valkey8)",
                parameters: [{ name: "maxmemory-policy", value: "allkeys-lru" }],
            });
        });

        it("parameter overrides merge over the defaults; redis 7.1 uses the redis7 family", async () => {
            const { resources } = await build({
                ...cacheTierDevArgs,
                engine: "redis",
                engineVersion: "7.1",
                parameters: { "maxmemory-policy": "volatile-lru", "slowlog-log-slower-than": "5000" },
            });
            const p = resources.one(T.params).inputs;
            assert.strictEqual(p.family, "redis7");
            assert.strictEqual(p.name, "platform-dev-redis7");
            assert.deepStrictEqual(p.parameters, [
                { name: "maxmemory-policy", value: "volatile-lru" },
                { name: "slowlog-log-slower-than", value: "5000" },
            ]);
            assert.strictEqual(resources.one(T.group).inputs.engine, "redis");
        });

        it("maps engine versions to parameter group families", () => {
            assert.strictEqual(cacheParameterFamily("valkey", "7.2"), "valkey7");
            assert.strictEqual(cacheParameterFamily("valkey", "8.2"), "valkey8");
            assert.strictEqual(cacheParameterFamily("redis", "7.0"), "redis7");
            assert.strictEqual(cacheParameterFamily("redis", "6.2"), undefined);
            assert.strictEqual(cacheParameterFamily("memcached", "1.6"), undefined);
        });

        it("log groups: KMS-encrypted with the logs CMK, retention from args", () => {
            for (const logType of ["slow-log", "engine-log"]) {
                assert.deepStrictEqual(prod.resources.one(T.logGroup, `cache-${logType}`).inputs, {
                    name: `/aws/elasticache/platform-prod/${logType}`,
                    retentionInDays: 365,
                    kmsKeyId: CACHE_FIXTURE.logsKeyArn,
                });
            }
            assert.strictEqual(dev.resources.one(T.logGroup, "cache-slow-log").inputs.retentionInDays, 14);
        });

        it("security group: in the VPC, no ingress and no egress rules", () => {
            const sg = prod.resources.one(T.sg, "cache-sg").inputs;
            assert.deepStrictEqual(sg, {
                vpcId: CACHE_FIXTURE.vpcId,
                description: "Cache platform-prod: ingress only from services that declare the cache",
                revokeRulesOnDelete: true,
            });
            assert.ok(!("ingress" in sg) && !("egress" in sg));
        });

        it("subnet group: every private subnet", () => {
            assert.deepStrictEqual(prod.resources.one(T.subnetGroup, "cache-subnets").inputs, {
                name: "platform-prod-subnets",
                description: "Private subnets of cache platform-prod",
                subnetIds: [...CACHE_FIXTURE.subnetIds],
            });
        });
    });

    describe("outputs", () => {
        it("endpoints, port, security group, secret, group id", async () => {
            const v = prod.value;
            assert.strictEqual(await resolveOutput(v.primaryEndpoint), expected.primary("platform-prod"));
            assert.strictEqual(await resolveOutput(v.readerEndpoint), expected.reader("platform-prod"));
            assert.strictEqual(await resolveOutput(v.port), 6379);
            assert.strictEqual(await resolveOutput(v.securityGroupId), expected.sgId);
            assert.strictEqual(await resolveOutput(v.authSecretArn), expected.secretArn);
            assert.strictEqual(await resolveOutput(v.replicationGroupId), "platform-prod");
        });

        it("client statements: GetSecretValue on exactly the secret, Decrypt on exactly the data key via Secrets Manager", async () => {
            assert.deepStrictEqual(await resolveOutput(prod.value.clientPolicyStatements), [
                { Sid: "CacheAuthSecretRead", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [expected.secretArn] },
                {
                    Sid: "CacheAuthSecretDecrypt",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [CACHE_FIXTURE.dataKeyArn],
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
                },
            ]);
        });

        it("client statements take Region and partition from the secret ARN", () => {
            const [, decrypt] = cacheClientPolicyStatements("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-abcdef", "arn:aws-cn:kms:cn-north-1:123456789012:key/k");
            assert.deepStrictEqual(decrypt.Condition, { StringEquals: { "kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com.cn" } });
        });
    });

    describe("validation", () => {
        const one = (args: CacheTierArgs) => {
            const list = messages(args);
            assert.strictEqual(list.length, 1, list.join("\n"));
            return list[0];
        };

        it("rejects automatic failover with one node", () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, automaticFailoverEnabled: true }),
                "CacheTierArgs.automaticFailoverEnabled = true: needs nodeCount >= 2 (a primary and at least one replica to promote), got nodeCount 1. Fix: raise nodeCount to 2 or more, or set automaticFailoverEnabled to false",
            );
        });

        it("rejects Multi-AZ without automatic failover", () => {
            assert.strictEqual(
                one({ ...cacheTierProdArgs, automaticFailoverEnabled: false }),
                "CacheTierArgs.multiAzEnabled = true: needs automaticFailoverEnabled: Multi-AZ fails over to a replica in another AZ. Fix: set automaticFailoverEnabled to true (with nodeCount >= 2), or multiAzEnabled to false",
            );
        });

        it("rejects Multi-AZ on one node (failover defaults off there)", () => {
            assert.match(one({ ...cacheTierDevArgs, multiAzEnabled: true }), /^CacheTierArgs\.multiAzEnabled = true: needs automaticFailoverEnabled/);
        });

        it("rejects a replication group id longer than 40 characters", () => {
            const id = "a".repeat(41);
            assert.strictEqual(
                one({ ...cacheTierDevArgs, replicationGroupId: id }),
                `CacheTierArgs.replicationGroupId = "${id}": must be 1-40 characters (got 41): lowercase letters, digits and hyphens, starting with a letter, no two consecutive hyphens, not ending with a hyphen. Fix: use a short id such as <project>-<environment>`,
            );
        });

        it("accepts a 40-character id and rejects every other id rule", () => {
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, replicationGroupId: `a${"b".repeat(39)}` }), []);
            for (const bad of ["Platform-dev", "1platform", "platform--dev", "platform-dev-", "platform_dev", ""]) {
                assert.match(one({ ...cacheTierDevArgs, replicationGroupId: bad }), /^CacheTierArgs\.replicationGroupId = /, bad);
            }
        });

        it("rejects an engine other than valkey or redis", () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, engine: "memcached" as CacheEngine }),
                'CacheTierArgs.engine = "memcached": must be valkey or redis (ElastiCache replication groups with AUTH, Multi-AZ and log delivery). Fix: set engine to valkey (recommended) or redis',
            );
        });

        it("rejects a malformed engine version and an unsupported family", () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, engineVersion: "8" }),
                'CacheTierArgs.engineVersion = "8": must be major.minor such as 8.0 (ElastiCache needs the minor for version 7 and later). Fix: set engineVersion to e.g. 8.0 (valkey) or 7.1 (redis)',
            );
            assert.strictEqual(
                one({ ...cacheTierDevArgs, engine: "redis", engineVersion: "6.2" }),
                'CacheTierArgs.engineVersion = "6.2": must be a supported redis version (7.0, 7.1; parameter group families redis7). Fix: set engineVersion to 7.1',
            );
            assert.match(
                one({ ...cacheTierDevArgs, engineVersion: "9.0" }),
                /^CacheTierArgs\.engineVersion = "9\.0": must be a supported valkey version \(7\.2, 8\.0, 8\.1, 8\.2; parameter group families valkey7, valkey8\)/,
            );
        });

        it("rejects a malformed node type and data-tiering nodes", () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, nodeType: "t4g.micro" }),
                'CacheTierArgs.nodeType = "t4g.micro": must be a cache node type such as cache.t4g.micro or cache.r7g.large. Fix: correct nodeType',
            );
            assert.match(one({ ...cacheTierDevArgs, nodeType: "cache.r6gd.xlarge" }), /must not be a data-tiering \(r6gd\) node type/);
        });

        it("rejects node counts outside 1-6", () => {
            for (const nodeCount of [0, 7, 2.5]) {
                assert.strictEqual(
                    one({ ...cacheTierDevArgs, nodeCount }),
                    `CacheTierArgs.nodeCount = ${nodeCount}: must be an integer from 1 to 6 (1 primary and up to 5 replicas). Fix: use 1 for dev, 3 (1 primary + 2 replicas) for production`,
                );
            }
        });

        it("rejects availability zones that do not match the node count or are not distinct for Multi-AZ", () => {
            assert.strictEqual(
                one({ ...cacheTierProdArgs, availabilityZones: ["eu-west-1a", "eu-west-1b"] }),
                'CacheTierArgs.availabilityZones = ["eu-west-1a","eu-west-1b"]: must list one Availability Zone per node (3), the primary\'s first. Fix: list 3 AZs or leave availabilityZones unset',
            );
            assert.match(
                one({ ...cacheTierProdArgs, availabilityZones: ["eu-west-1a", "eu-west-1a", "eu-west-1a"] }),
                /must name at least two different AZs when multiAzEnabled is true/,
            );
            assert.match(
                one({ ...cacheTierProdArgs, availabilityZones: ["eu-west-1a", "eu-west-1b", "euw1-az3"] }),
                /^CacheTierArgs\.availabilityZones\[2\] = "euw1-az3": must be an Availability Zone name/,
            );
        });

        it("rejects snapshot retention outside 0-35 and accepts 0 and 35", () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, snapshotRetentionDays: 36 }),
                "CacheTierArgs.snapshotRetentionDays = 36: must be an integer from 0 to 35 (0 turns daily snapshots off). Fix: use 1 for dev, 7 or more for production",
            );
            assert.match(one({ ...cacheTierDevArgs, snapshotRetentionDays: -1 }), /^CacheTierArgs\.snapshotRetentionDays = -1/);
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, snapshotRetentionDays: 0 }), []);
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, snapshotRetentionDays: 35 }), []);
        });

        it("rejects AUTH token lengths outside 16-128 and accepts the bounds", () => {
            for (const length of [15, 129]) {
                assert.strictEqual(
                    one({ ...cacheTierDevArgs, authToken: { length } }),
                    `CacheTierArgs.authToken.length = ${length}: must be an integer from 16 to 128 (ElastiCache AUTH token length). Fix: use 64`,
                );
            }
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, authToken: { length: 16 } }), []);
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, authToken: { length: 128 } }), []);
        });

        it('rejects special characters ElastiCache does not accept in a token (/ " @)', () => {
            assert.strictEqual(
                one({ ...cacheTierDevArgs, authToken: { specialCharacters: '!/"@' } }),
                'CacheTierArgs.authToken.specialCharacters = "!/\\"@": may only contain !&#$^<>- (the only special characters ElastiCache accepts in an AUTH token; not / " @). Fix: remove / " @ or use "" for letters and digits only',
            );
        });

        it("rejects bad windows, recovery window, log retention and cluster-enabled", () => {
            assert.match(
                one({ ...cacheTierDevArgs, snapshotWindow: "03:00-03:30" }),
                /^CacheTierArgs\.snapshotWindow = "03:00-03:30": must be hh24:mi-hh24:mi \(UTC\) spanning at least 60 minutes/,
            );
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, snapshotWindow: "23:30-00:30" }), []);
            assert.match(one({ ...cacheTierDevArgs, maintenanceWindow: "sunday:05:00-sunday:06:00" }), /^CacheTierArgs\.maintenanceWindow = /);
            assert.match(one({ ...cacheTierDevArgs, maintenanceWindow: "sun:05:00-sun:05:30" }), /spanning at least 60 minutes/);
            assert.deepStrictEqual(messages({ ...cacheTierDevArgs, maintenanceWindow: "sun:23:30-mon:00:30" }), []);
            assert.match(
                one({ ...cacheTierDevArgs, secretRecoveryWindowDays: 3 }),
                /^CacheTierArgs\.secretRecoveryWindowDays = 3: must be 0 \(delete at once\) or an integer from 7 to 30/,
            );
            assert.match(one({ ...cacheTierDevArgs, logRetentionDays: 10 }), /^CacheTierArgs\.logRetentionDays = 10: must be a CloudWatch Logs retention value/);
            assert.match(
                one({ ...cacheTierDevArgs, parameters: { "cluster-enabled": "yes" } }),
                /^CacheTierArgs\.parameters\["cluster-enabled"\] = "yes": must be no: the group runs with cluster mode disabled/,
            );
        });

        it("the constructor throws one ValidationError listing every problem, before creating anything", async () => {
            const bad: CacheTierArgs = { ...cacheTierDevArgs, automaticFailoverEnabled: true, replicationGroupId: "x".repeat(41), engine: "memcached" as CacheEngine };
            await assert.rejects(build(bad), (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.strictEqual(err.problems.length, 3);
                assert.deepStrictEqual(err.problems.map((p) => p.key).sort(), [
                    "CacheTierArgs.automaticFailoverEnabled",
                    "CacheTierArgs.engine",
                    "CacheTierArgs.replicationGroupId",
                ]);
                assert.match(err.message, /^CacheTier cache: 3 problems found:/);
                return true;
            });
        });
    });
});
