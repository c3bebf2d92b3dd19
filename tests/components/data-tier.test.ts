import * as assert from "assert";
import { DATA_TIER_DEFAULTS, DataTier, DataTierArgs, attributeDefinitions, validateDataTierArgs } from "../../components/data-tier";
import { Problem, ValidationError } from "../../config/problems";
import { MOCK_ACCOUNT_ID, shortHash } from "../../engine/mocks";
import { Recorded, RecordedResource, policyDocument, record, resolveOutput } from "../support/harness";
import { AZ_NAMES, DATA_KEY_ARN, ISOLATED_SUBNET_IDS, LOGS_KEY_ARN, ORDERS_TABLE, SESSIONS_TABLE, VPC_ID, nosqlDataTierArgs, sqlDataTierArgs } from "../fixtures/data-tier";

const REGION = "eu-west-1";
const T = {
    component: "platform:data:DataTier",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    params: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    cluster: "aws:rds/cluster:Cluster",
    instance: "aws:rds/clusterInstance:ClusterInstance",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    table: "aws:dynamodb/table:Table",
    insights: "aws:dynamodb/contributorInsights:ContributorInsights",
} as const;

/** Every public output of the component, in one shape for both kinds. */
const OUTPUT_KEYS = ["kind", "endpoint", "readerEndpoint", "port", "secretArn", "kmsKeyArn", "securityGroupId", "tableNames", "tableArns", "clientPolicyStatements"] as const;

interface Run {
    readonly tier: DataTier;
    readonly resources: Recorded;
    readonly physical: (type: string, logical: string) => string;
}

async function run(args: DataTierArgs, name = "data"): Promise<Run> {
    const { value, resources, result } = await record(() => new DataTier(name, args), { region: REGION });
    return { tier: value, resources, physical: (type, logical) => result.mocks.autoname(logical, type) };
}

async function outputs(tier: DataTier): Promise<Record<string, unknown>> {
    return {
        kind: tier.kind,
        endpoint: await resolveOutput(tier.endpoint),
        readerEndpoint: await resolveOutput(tier.readerEndpoint),
        port: await resolveOutput(tier.port),
        secretArn: await resolveOutput(tier.secretArn),
        kmsKeyArn: await resolveOutput(tier.kmsKeyArn),
        securityGroupId: await resolveOutput(tier.securityGroupId),
        tableNames: await resolveOutput(tier.tableNames),
        tableArns: await resolveOutput(tier.tableArns),
        clientPolicyStatements: await resolveOutput(tier.clientPolicyStatements),
    };
}

/** Mock-engine outputs of the cluster `data-cluster` (engine/mocks.ts outputsFor). */
const clusterHash = (n: number) => shortHash(`${T.cluster}::data-cluster`, n);
const CLUSTER_ID = "platform-prod-data";
const CLUSTER_RESOURCE_ID = `cluster-${clusterHash(26).toUpperCase()}`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT_ID}:secret:rds!cluster-${clusterHash(8)}-${clusterHash(6)}`;

function problemFor(problems: readonly Problem[], key: string, value: string, allowed: string): Problem {
    const found = problems.filter((p) => p.key === key);
    assert.strictEqual(found.length, 1, `expected one problem for ${key}, got: ${JSON.stringify(problems)}`);
    assert.strictEqual(found[0].value, value);
    assert.ok(found[0].allowed.includes(allowed), `"${found[0].allowed}" should include "${allowed}"`);
    assert.ok(found[0].fix.length > 0);
    return found[0];
}

describe("DataTier", function () {
    this.timeout(60_000);

    describe("sql baseline (Serverless v2, 3 AZs, writer + 2 readers, protect)", () => {
        let r: Run;
        before(async () => {
            r = await run(sqlDataTierArgs());
        });

        it("creates exactly these resources", () => {
            assert.deepStrictEqual(r.resources.countByType(), {
                "pulumi:pulumi:Stack": 1,
                [T.component]: 1,
                [T.subnetGroup]: 1,
                [T.logGroup]: 3,
                [T.sg]: 1,
                [T.role]: 1,
                [T.attachment]: 1,
                [T.params]: 1,
                [T.cluster]: 1,
                [T.instance]: 3,
                [T.scalingTarget]: 1,
                [T.scalingPolicy]: 1,
            });
        });

        it("parents every child to the component", () => {
            const component = r.resources.one(T.component, "data");
            const strays = r.resources.all.filter((x) => x.type !== "pulumi:pulumi:Stack" && x !== component && x.parent !== component.urn);
            assert.deepStrictEqual(
                strays.map((x) => x.name),
                [],
            );
        });

        it("configures the cluster: CMK storage, managed secret, IAM auth, TLS params, backups, deletion safety, no AZ list", () => {
            const sg = r.resources.one(T.sg, "data-db");
            assert.deepStrictEqual(r.resources.one(T.cluster, "data-cluster").inputs, {
                clusterIdentifier: CLUSTER_ID,
                engine: "aurora-postgresql",
                engineMode: "provisioned",
                engineVersion: "16",
                databaseName: "platform",
                port: 5432,
                masterUsername: "postgres",
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: DATA_KEY_ARN,
                iamDatabaseAuthenticationEnabled: true,
                storageEncrypted: true,
                kmsKeyId: DATA_KEY_ARN,
                // The groups' ids (their names in AWS); the mock engine's default id is "<logical>-<8 hex>".
                dbSubnetGroupName: `data-subnets-${shortHash(`${T.subnetGroup}::data-subnets`, 8)}`,
                vpcSecurityGroupIds: [`sg-${shortHash(`${T.sg}::${sg.name}`, 17)}`],
                dbClusterParameterGroupName: `data-params-${shortHash(`${T.params}::data-params`, 8)}`,
                backupRetentionPeriod: 35,
                preferredBackupWindow: "02:00-03:00",
                preferredMaintenanceWindow: "sun:03:30-sun:04:30",
                copyTagsToSnapshot: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${CLUSTER_ID}-final`,
                deleteAutomatedBackups: false,
                enabledCloudwatchLogsExports: ["postgresql", "iam-db-auth-error", "instance"],
                serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 16 },
            });
        });

        it("pre-creates a KMS-encrypted log group for each exported log type before the cluster", () => {
            const groups = r.resources.ofType(T.logGroup);
            assert.deepStrictEqual(
                groups.map((g) => [g.name, g.inputs]),
                [
                    ["data-postgresql-logs", { name: `/aws/rds/cluster/${CLUSTER_ID}/postgresql`, kmsKeyId: LOGS_KEY_ARN, retentionInDays: 365 }],
                    ["data-iam-db-auth-error-logs", { name: `/aws/rds/cluster/${CLUSTER_ID}/iam-db-auth-error`, kmsKeyId: LOGS_KEY_ARN, retentionInDays: 365 }],
                    ["data-instance-logs", { name: `/aws/rds/cluster/${CLUSTER_ID}/instance`, kmsKeyId: LOGS_KEY_ARN, retentionInDays: 365 }],
                ],
            );
            for (const g of groups) {
                assert.ok(r.resources.one(T.cluster).dependencies.includes(g.urn), g.name);
            }
        });

        it("uses the isolated subnets in a DB subnet group", () => {
            assert.deepStrictEqual(r.resources.one(T.subnetGroup, "data-subnets").inputs, { description: `Isolated subnets of ${CLUSTER_ID}`, subnetIds: ISOLATED_SUBNET_IDS });
        });

        it("creates a security group with no ingress and no egress rules of its own", () => {
            const sg = r.resources.one(T.sg, "data-db");
            assert.deepStrictEqual(sg.inputs, {
                description: `Aurora PostgreSQL ${CLUSTER_ID}: ingress only from services that declare the database`,
                vpcId: VPC_ID,
                revokeRulesOnDelete: true,
            });
            const ruleTypes = r.resources.all.filter((x) => /securityGroupRule|SecurityGroupIngressRule|SecurityGroupEgressRule/.test(x.type));
            assert.deepStrictEqual(ruleTypes, []);
        });

        it("forces TLS and logs connections and slow statements in the cluster parameter group", () => {
            assert.deepStrictEqual(r.resources.one(T.params, "data-params").inputs, {
                family: "aurora-postgresql16",
                description: `TLS-only Aurora PostgreSQL 16 (${CLUSTER_ID})`,
                parameters: [
                    { name: "rds.force_ssl", value: "1" },
                    { name: "log_connections", value: "1" },
                    { name: "log_disconnections", value: "1" },
                    { name: "log_min_duration_statement", value: "1000" },
                ],
            });
        });

        it("creates the enhanced monitoring role trusted by monitoring.rds.amazonaws.com for this account only", () => {
            const role = r.resources.one(T.role, "data-monitoring");
            assert.strictEqual(role.inputs.description, `RDS enhanced monitoring of ${CLUSTER_ID}`);
            assert.deepStrictEqual(policyDocument(role.inputs.assumeRolePolicy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "monitoring.rds.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
                    },
                ],
            });
            assert.deepStrictEqual(r.resources.one(T.attachment, "data-monitoring").inputs, {
                role: r.physical(T.role, "data-monitoring"),
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            });
        });

        it("spreads writer and readers over the AZs with promotion tiers, Performance Insights under the CMK and monitoring", () => {
            const roleArn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${r.physical(T.role, "data-monitoring")}`;
            [0, 1, 2].forEach((i) => {
                assert.deepStrictEqual(r.resources.one(T.instance, `data-instance-${i + 1}`).inputs, {
                    clusterIdentifier: CLUSTER_ID,
                    engine: "aurora-postgresql",
                    instanceClass: "db.serverless",
                    promotionTier: i,
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: true,
                    availabilityZone: AZ_NAMES[i],
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: DATA_KEY_ARN,
                    performanceInsightsRetentionPeriod: 93,
                    monitoringInterval: 30,
                    monitoringRoleArn: roleArn,
                });
            });
        });

        it("places instances by AZ at creation only: a changed AZ list never replaces a database instance", () => {
            for (const name of ["data-instance-1", "data-instance-2", "data-instance-3"]) {
                assert.deepStrictEqual(r.resources.one(T.instance, name).ignoreChanges, ["availabilityZone"], name);
            }
        });

        it("creates readers after the writer, so the first instance is the writer", () => {
            const writer = r.resources.one(T.instance, "data-instance-1");
            for (const name of ["data-instance-2", "data-instance-3"]) {
                assert.ok(r.resources.one(T.instance, name).dependencies.includes(writer.urn), name);
            }
        });

        it("scales readers between the configured 2 and 5 on reader CPU", () => {
            const target = r.resources.one(T.scalingTarget, "data-readers");
            assert.deepStrictEqual(target.inputs, {
                serviceNamespace: "rds",
                scalableDimension: "rds:cluster:ReadReplicaCount",
                resourceId: `cluster:${CLUSTER_ID}`,
                minCapacity: 2,
                maxCapacity: 5,
            });
            for (const instance of r.resources.ofType(T.instance)) {
                assert.ok(target.dependencies.includes(instance.urn), `scaling target should wait for ${instance.name}`);
            }
            assert.deepStrictEqual(r.resources.one(T.scalingPolicy, "data-readers-cpu").inputs, {
                policyType: "TargetTrackingScaling",
                serviceNamespace: "rds",
                scalableDimension: "rds:cluster:ReadReplicaCount",
                resourceId: `cluster:${CLUSTER_ID}`,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
                    targetValue: 70,
                    scaleInCooldown: 300,
                    scaleOutCooldown: 300,
                },
            });
        });

        it("protects and retains the cluster and instances; retains what a retained cluster still uses", () => {
            const flags = (x: RecordedResource) => ({ protect: x.protect, retainOnDelete: x.retainOnDelete });
            for (const x of [...r.resources.ofType(T.cluster), ...r.resources.ofType(T.instance)]) {
                assert.deepStrictEqual(flags(x), { protect: true, retainOnDelete: true }, x.name);
            }
            for (const x of [T.subnetGroup, T.sg, T.params, T.logGroup, T.role, T.attachment].flatMap((type) => r.resources.ofType(type))) {
                assert.deepStrictEqual(flags(x), { protect: false, retainOnDelete: true }, x.name);
            }
            for (const type of [T.scalingTarget, T.scalingPolicy]) {
                assert.deepStrictEqual(flags(r.resources.one(type)), { protect: false, retainOnDelete: false }, type);
            }
        });

        it("exports endpoints, port 5432, the managed secret, key and security group, no tables", async () => {
            const h = clusterHash(12);
            const sg = r.resources.one(T.sg, "data-db");
            const out = await outputs(r.tier);
            const { clientPolicyStatements, ...rest } = out;
            assert.deepStrictEqual(rest, {
                kind: "sql",
                endpoint: `${CLUSTER_ID}.cluster-${h}.${REGION}.rds.amazonaws.com`,
                readerEndpoint: `${CLUSTER_ID}.cluster-ro-${h}.${REGION}.rds.amazonaws.com`,
                port: 5432,
                secretArn: SECRET_ARN,
                kmsKeyArn: DATA_KEY_ARN,
                securityGroupId: `sg-${shortHash(`${T.sg}::${sg.name}`, 17)}`,
                tableNames: {},
                tableArns: {},
            });
            assert.deepStrictEqual(clientPolicyStatements, [
                {
                    Sid: "ConnectWithIamAuth",
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:${REGION}:${MOCK_ACCOUNT_ID}:dbuser:${CLUSTER_RESOURCE_ID}/app`],
                },
            ]);
        });
    });

    describe("sql options", () => {
        it("creates nothing protected or retained when protect is false", async () => {
            const r = await run(sqlDataTierArgs({ protect: false }));
            const flagged = r.resources.all.filter((x) => x.protect || x.retainOnDelete).map((x) => x.name);
            assert.deepStrictEqual(flagged, []);
        });

        it("keeps the cluster's AZ list unset with 2 AZs as with 3 ('3 AZs or none')", async () => {
            const r = await run(sqlDataTierArgs({}, { availabilityZoneCount: 2, availabilityZoneNames: AZ_NAMES.slice(0, 2), subnetIds: ISOLATED_SUBNET_IDS.slice(0, 2) }));
            assert.ok(!("availabilityZones" in r.resources.one(T.cluster).inputs));
            const placement = r.resources
                .ofType(T.instance)
                .map((i) => [i.name, i.inputs.availabilityZone])
                .sort();
            assert.deepStrictEqual(placement, [
                ["data-instance-1", "eu-west-1a"],
                ["data-instance-2", "eu-west-1b"],
                ["data-instance-3", "eu-west-1a"],
            ]);
        });

        it("lets RDS place instances when no AZ names are given", async () => {
            const r = await run(sqlDataTierArgs({}, { availabilityZoneNames: undefined }));
            for (const i of r.resources.ofType(T.instance)) {
                assert.ok(!("availabilityZone" in i.inputs), i.name);
            }
        });

        it("a single-instance dev cluster: one writer, no reader auto scaling, no monitoring role when disabled", async () => {
            const r = await run(
                sqlDataTierArgs(
                    { protect: false, deletionProtection: false },
                    { instanceCount: 1, readerMaxCount: undefined, monitoringIntervalSeconds: 0, backupRetentionDays: 1 },
                ),
            );
            const counts = r.resources.countByType();
            assert.strictEqual(counts[T.instance], 1);
            assert.strictEqual(counts[T.scalingTarget], undefined);
            assert.strictEqual(counts[T.scalingPolicy], undefined);
            assert.strictEqual(counts[T.role], undefined);
            assert.strictEqual(counts[T.attachment], undefined);
            const instance = r.resources.one(T.instance);
            assert.strictEqual(instance.inputs.monitoringInterval, 0);
            assert.ok(!("monitoringRoleArn" in instance.inputs));
            const cluster = r.resources.one(T.cluster);
            assert.strictEqual(cluster.inputs.deletionProtection, false);
            assert.strictEqual(cluster.inputs.skipFinalSnapshot, false, "a final snapshot is taken even without deletion protection");
            assert.strictEqual(cluster.inputs.backupRetentionPeriod, 1);
        });

        it("uses a provisioned class without Serverless v2 scaling", async () => {
            const r = await run(sqlDataTierArgs({}, { instanceClass: "db.r7g.large", minCapacity: undefined, maxCapacity: undefined }));
            assert.ok(!("serverlessv2ScalingConfiguration" in r.resources.one(T.cluster).inputs));
            for (const i of r.resources.ofType(T.instance)) {
                assert.strictEqual(i.inputs.instanceClass, "db.r7g.large");
            }
        });

        it("supports 0 ACUs with auto-pause", async () => {
            const r = await run(sqlDataTierArgs({}, { minCapacity: 0, secondsUntilAutoPause: 3_600 }));
            assert.deepStrictEqual(r.resources.one(T.cluster).inputs.serverlessv2ScalingConfiguration, { minCapacity: 0, maxCapacity: 16, secondsUntilAutoPause: 3_600 });
        });

        it("derives the parameter family from a major.minor version and the identifier from project, stack and name", async () => {
            const r = await run(sqlDataTierArgs({}, { engineVersion: "15.7", clusterIdentifier: undefined }));
            assert.strictEqual(r.resources.one(T.params).inputs.family, "aurora-postgresql15");
            const cluster = r.resources.one(T.cluster);
            assert.strictEqual(cluster.inputs.engineVersion, "15.7");
            assert.strictEqual(cluster.inputs.clusterIdentifier, "platform-test-data");
            assert.strictEqual(cluster.inputs.finalSnapshotIdentifier, "platform-test-data-final");
            assert.strictEqual(r.resources.one(T.logGroup, "data-postgresql-logs").inputs.name, "/aws/rds/cluster/platform-test-data/postgresql");
        });

        it("grants the master secret only when asked, and decrypts it only through Secrets Manager", async () => {
            const r = await run(sqlDataTierArgs({}, { grantMasterSecret: true, iamDatabaseUser: "orders_svc" }));
            assert.strictEqual(r.tier.iamDatabaseUser, "orders_svc");
            assert.deepStrictEqual(await resolveOutput(r.tier.clientPolicyStatements), [
                {
                    Sid: "ConnectWithIamAuth",
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:${REGION}:${MOCK_ACCOUNT_ID}:dbuser:${CLUSTER_RESOURCE_ID}/orders_svc`],
                },
                { Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] },
                {
                    Sid: "DecryptMasterSecret",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [DATA_KEY_ARN],
                    Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` } },
                },
            ]);
        });

        it("does not grant the master secret by default (services sign in with IAM auth)", () => {
            assert.strictEqual(DATA_TIER_DEFAULTS.grantMasterSecret, false);
        });
    });

    describe("nosql baseline (2 tables, protect)", () => {
        let r: Run;
        const physical = { orders: "", sessions: "" };
        const tableArn = (t: string) => `arn:aws:dynamodb:${REGION}:${MOCK_ACCOUNT_ID}:table/${t}`;
        before(async () => {
            r = await run(nosqlDataTierArgs());
            physical.orders = r.physical(T.table, "data-orders");
            physical.sessions = r.physical(T.table, "data-sessions");
        });

        it("creates exactly these resources", () => {
            assert.deepStrictEqual(r.resources.countByType(), { "pulumi:pulumi:Stack": 1, [T.component]: 1, [T.table]: 2, [T.insights]: 1 });
        });

        it("configures an on-demand table: keys, GSIs, TTL, CMK, PITR, deletion protection, stream", () => {
            assert.deepStrictEqual(r.resources.one(T.table, "data-orders").inputs, {
                billingMode: "PAY_PER_REQUEST",
                hashKey: "pk",
                rangeKey: "sk",
                attributes: [
                    { name: "pk", type: "S" },
                    { name: "sk", type: "S" },
                    { name: "customerId", type: "S" },
                    { name: "createdAt", type: "N" },
                    { name: "status", type: "S" },
                ],
                globalSecondaryIndexes: [
                    {
                        name: "by-customer",
                        keySchemas: [
                            { attributeName: "customerId", keyType: "HASH" },
                            { attributeName: "createdAt", keyType: "RANGE" },
                        ],
                        projectionType: "INCLUDE",
                        nonKeyAttributes: ["status", "total"],
                    },
                    {
                        name: "by-status",
                        keySchemas: [
                            { attributeName: "status", keyType: "HASH" },
                            { attributeName: "sk", keyType: "RANGE" },
                        ],
                        projectionType: "KEYS_ONLY",
                    },
                ],
                ttl: { attributeName: "expiresAt", enabled: true },
                serverSideEncryption: { enabled: true, kmsKeyArn: DATA_KEY_ARN },
                pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
                deletionProtectionEnabled: true,
                streamEnabled: true,
                streamViewType: "NEW_AND_OLD_IMAGES",
            });
        });

        it("gives a provisioned table and its GSIs capacities, and no stream or TTL unless asked", () => {
            assert.deepStrictEqual(r.resources.one(T.table, "data-sessions").inputs, {
                billingMode: "PROVISIONED",
                readCapacity: 5,
                writeCapacity: 2,
                hashKey: "id",
                attributes: [
                    { name: "id", type: "S" },
                    { name: "userId", type: "S" },
                ],
                globalSecondaryIndexes: [{ name: "by-user", keySchemas: [{ attributeName: "userId", keyType: "HASH" }], projectionType: "ALL", readCapacity: 5, writeCapacity: 2 }],
                serverSideEncryption: { enabled: true, kmsKeyArn: DATA_KEY_ARN },
                pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
                deletionProtectionEnabled: true,
            });
        });

        it("defines exactly the key attributes (DynamoDB rejects unused attribute definitions)", () => {
            for (const t of [ORDERS_TABLE, SESSIONS_TABLE]) {
                const keys = new Set(
                    [t.partitionKey.name, t.sortKey?.name, ...t.globalSecondaryIndexes.flatMap((g) => [g.partitionKey.name, g.sortKey?.name])].filter(
                        (n): n is string => n !== undefined,
                    ),
                );
                const defined = attributeDefinitions(t).map((a) => a.name);
                assert.deepStrictEqual(new Set(defined), keys, t.name);
                assert.strictEqual(defined.length, keys.size, `${t.name}: each attribute defined once`);
            }
            // TTL and projected attributes are not keys: not defined.
            assert.ok(!attributeDefinitions(ORDERS_TABLE).some((a) => ["expiresAt", "total"].includes(a.name)));
        });

        it("enables contributor insights only where asked", () => {
            assert.deepStrictEqual(r.resources.one(T.insights, "data-orders-insights").inputs, { tableName: physical.orders });
        });

        it("protects and retains every table", () => {
            for (const t of r.resources.ofType(T.table)) {
                assert.deepStrictEqual({ protect: t.protect, retainOnDelete: t.retainOnDelete }, { protect: true, retainOnDelete: true }, t.name);
            }
        });

        it("exports table names and ARNs, port 443, no secret or security group, and item-level grants", async () => {
            const { clientPolicyStatements, ...rest } = await outputs(r.tier);
            assert.deepStrictEqual(rest, {
                kind: "nosql",
                endpoint: physical.orders,
                readerEndpoint: physical.orders,
                port: 443,
                secretArn: undefined,
                kmsKeyArn: DATA_KEY_ARN,
                securityGroupId: undefined,
                tableNames: { orders: physical.orders, sessions: physical.sessions },
                tableArns: { orders: tableArn(physical.orders), sessions: tableArn(physical.sessions) },
            });
            assert.deepStrictEqual(clientPolicyStatements, [
                {
                    Sid: "ReadWriteItems",
                    Effect: "Allow",
                    Action: [
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:Query",
                        "dynamodb:BatchGetItem",
                        "dynamodb:BatchWriteItem",
                        "dynamodb:ConditionCheckItem",
                    ],
                    Resource: [tableArn(physical.orders), `${tableArn(physical.orders)}/index/*`, tableArn(physical.sessions), `${tableArn(physical.sessions)}/index/*`],
                },
                {
                    Sid: "UseTableKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: [DATA_KEY_ARN],
                    Condition: { StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` } },
                },
            ]);
        });
    });

    describe("nosql options", () => {
        it("creates nothing protected or retained when protect is false", async () => {
            const r = await run(nosqlDataTierArgs({ protect: false, deletionProtection: false }));
            assert.deepStrictEqual(
                r.resources.all.filter((x) => x.protect || x.retainOnDelete).map((x) => x.name),
                [],
            );
            for (const t of r.resources.ofType(T.table)) {
                assert.strictEqual(t.inputs.deletionProtectionEnabled, false);
            }
        });

        it("adds dynamodb:Scan only when allowed, and uses the configured PITR window", async () => {
            const r = await run(nosqlDataTierArgs({}, { tables: [SESSIONS_TABLE], allowScan: true, pointInTimeRecoveryDays: 7 }));
            const [items] = await resolveOutput(r.tier.clientPolicyStatements);
            assert.strictEqual(items.Action[items.Action.length - 1], "dynamodb:Scan");
            assert.strictEqual(items.Action.filter((a) => a === "dynamodb:Scan").length, 1);
            assert.deepStrictEqual(r.resources.one(T.table).inputs.pointInTimeRecovery, { enabled: true, recoveryPeriodInDays: 7 });
        });
    });

    describe("one interface for both kinds", () => {
        it("exposes the same output keys, with the same value types, for sql and nosql", async () => {
            const sql = await outputs((await run(sqlDataTierArgs())).tier);
            const nosql = await outputs((await run(nosqlDataTierArgs())).tier);
            assert.deepStrictEqual(Object.keys(sql), [...OUTPUT_KEYS]);
            assert.deepStrictEqual(Object.keys(nosql), [...OUTPUT_KEYS]);
            for (const key of ["endpoint", "readerEndpoint", "kmsKeyArn"] as const) {
                assert.strictEqual(typeof sql[key], "string", key);
                assert.strictEqual(typeof nosql[key], "string", key);
            }
            assert.ok(Array.isArray(sql.clientPolicyStatements) && Array.isArray(nosql.clientPolicyStatements));
            const sqlTier = (await run(sqlDataTierArgs())).tier;
            for (const key of OUTPUT_KEYS) {
                assert.ok(key in sqlTier, `DataTier.${key}`);
            }
        });
    });

    describe("validation", () => {
        const sqlProblems = (sql: Parameters<typeof sqlDataTierArgs>[1], top: Partial<DataTierArgs> = {}) => validateDataTierArgs("data", sqlDataTierArgs(top, sql));
        const tableProblems = (table: Partial<typeof ORDERS_TABLE>) => validateDataTierArgs("data", nosqlDataTierArgs({}, { tables: [{ ...ORDERS_TABLE, ...table }] }));

        it("accepts both baselines", () => {
            assert.deepStrictEqual(validateDataTierArgs("data", sqlDataTierArgs()), []);
            assert.deepStrictEqual(validateDataTierArgs("data", nosqlDataTierArgs()), []);
        });

        it("throws one ValidationError listing every problem, before creating anything", async () => {
            await assert.rejects(
                record(() => new DataTier("data", sqlDataTierArgs({}, { minCapacity: 8, maxCapacity: 4, availabilityZoneCount: 1, availabilityZoneNames: undefined }))),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.match(err.message, /^DataTier "data": 2 problems found:/);
                    assert.match(err.message, /sql\.availabilityZoneCount = 1: must be >= 2/);
                    assert.match(err.message, /sql\.minCapacity = 8: must not exceed maxCapacity \(4\)/);
                    return true;
                },
            );
        });

        it("rejects an unknown kind and a missing kind block", () => {
            problemFor(
                validateDataTierArgs("data", { kind: "graph" as unknown as "sql", dataKmsKeyArn: DATA_KEY_ARN }),
                "kind",
                '"graph"',
                "must be sql (Aurora PostgreSQL) or nosql (DynamoDB)",
            );
            problemFor(validateDataTierArgs("data", { kind: "sql", dataKmsKeyArn: DATA_KEY_ARN }), "sql", "(not set)", "is required when kind is sql");
            problemFor(validateDataTierArgs("data", { kind: "nosql", dataKmsKeyArn: DATA_KEY_ARN }), "nosql", "(not set)", "is required when kind is nosql");
        });

        it("rejects ACUs outside 0-256 or off the 0.5 grid, and a maximum below 1", () => {
            problemFor(sqlProblems({ maxCapacity: 300 }), "sql.maxCapacity", "300", "must be 1-256 ACUs in steps of 0.5");
            problemFor(sqlProblems({ minCapacity: 0.25 }), "sql.minCapacity", "0.25", "must be 0-256 ACUs in steps of 0.5");
            problemFor(sqlProblems({ minCapacity: 0.5, maxCapacity: 0.5 }), "sql.maxCapacity", "0.5", "must be 1-256 ACUs");
        });

        it("rejects a minimum above the maximum", () => {
            problemFor(sqlProblems({ minCapacity: 8, maxCapacity: 4 }), "sql.minCapacity", "8", "must not exceed maxCapacity (4)");
        });

        it("rejects 0 ACUs without auto-pause, and auto-pause without 0 ACUs or out of range", () => {
            problemFor(sqlProblems({ minCapacity: 0 }), "sql.minCapacity", "0", "0 ACUs is allowed only with auto-pause");
            problemFor(sqlProblems({ secondsUntilAutoPause: 600 }), "sql.secondsUntilAutoPause", "600", "applies only when minCapacity is 0");
            const p = sqlProblems({ minCapacity: 0, secondsUntilAutoPause: 100 });
            problemFor(p, "sql.secondsUntilAutoPause", "100", "must be 300-86400 seconds");
        });

        it("rejects Serverless v2 settings on a provisioned class", () => {
            problemFor(sqlProblems({ instanceClass: "db.r7g.large" }), "sql.minCapacity", "0.5", "applies only to instanceClass db.serverless");
            problemFor(
                sqlProblems({ instanceClass: "r7g.large", minCapacity: undefined, maxCapacity: undefined }),
                "sql.instanceClass",
                '"r7g.large"',
                "must be db.serverless or a DB instance class",
            );
        });

        it("rejects fewer than 2 AZs and AZ names that do not match the count", () => {
            problemFor(
                sqlProblems({ availabilityZoneCount: 1, availabilityZoneNames: ["eu-west-1a"] }),
                "sql.availabilityZoneCount",
                "1",
                "must be >= 2: a DB subnet group must span at least 2 Availability Zones",
            );
            problemFor(
                sqlProblems({ availabilityZoneNames: ["eu-west-1a", "eu-west-1b"] }),
                "sql.availabilityZoneNames",
                '["eu-west-1a","eu-west-1b"]',
                "must list exactly availabilityZoneCount (3) AZs",
            );
        });

        it("rejects instance counts outside 1-16 and a reader maximum below the configured readers or above 15", () => {
            problemFor(sqlProblems({ instanceCount: 0, readerMaxCount: undefined }), "sql.instanceCount", "0", "must be 1-16");
            problemFor(sqlProblems({ instanceCount: 17, readerMaxCount: undefined }), "sql.instanceCount", "17", "must be 1-16");
            problemFor(sqlProblems({ readerMaxCount: 1 }), "sql.readerMaxCount", "1", "must be between the configured readers (instanceCount - 1 = 2) and 15");
            problemFor(sqlProblems({ readerMaxCount: 16 }), "sql.readerMaxCount", "16", "and 15");
        });

        it("rejects backup retention outside 1-35 days", () => {
            problemFor(sqlProblems({ backupRetentionDays: 0 }), "sql.backupRetentionDays", "0", "must be 1-35 days");
            problemFor(sqlProblems({ backupRetentionDays: 36 }), "sql.backupRetentionDays", "36", "must be 1-35 days");
        });

        it("rejects Performance Insights retention other than 7, 31-713 in months of 31, or 731", () => {
            problemFor(
                sqlProblems({ performanceInsightsRetentionDays: 30 }),
                "sql.performanceInsightsRetentionDays",
                "30",
                "must be 7, a multiple of 31 from 31 to 713 (1-23 months), or 731",
            );
            problemFor(sqlProblems({ performanceInsightsRetentionDays: 744 }), "sql.performanceInsightsRetentionDays", "744", "must be 7, a multiple of 31");
            for (const ok of [7, 31, 713, 731]) {
                assert.deepStrictEqual(sqlProblems({ performanceInsightsRetentionDays: ok }), [], String(ok));
            }
        });

        it("rejects a monitoring interval outside the allowed set and a bad log retention", () => {
            problemFor(sqlProblems({ monitoringIntervalSeconds: 2 }), "sql.monitoringIntervalSeconds", "2", "must be one of 0, 1, 5, 10, 15, 30, 60");
            problemFor(sqlProblems({ logRetentionDays: 45 }), "sql.logRetentionDays", "45", "must be a CloudWatch Logs retention value");
        });

        it("rejects engine versions that are not major or major.minor", () => {
            problemFor(sqlProblems({ engineVersion: "16.4.1" }), "sql.engineVersion", '"16.4.1"', "must be an Aurora PostgreSQL major (16) or major.minor (16.4) version");
            problemFor(sqlProblems({ engineVersion: "12" }), "sql.engineVersion", '"12"', "13 or later");
        });

        it("rejects malformed, short or overlapping backup and maintenance windows", () => {
            problemFor(sqlProblems({ preferredBackupWindow: "2:00-3:00" }), "sql.preferredBackupWindow", '"2:00-3:00"', "must be a UTC window hh24:mi-hh24:mi");
            problemFor(sqlProblems({ preferredBackupWindow: "02:00-02:20" }), "sql.preferredBackupWindow", '"02:00-02:20"', "at least 30 minutes");
            problemFor(
                sqlProblems({ preferredMaintenanceWindow: "sunday:03:00-sunday:04:00" }),
                "sql.preferredMaintenanceWindow",
                '"sunday:03:00-sunday:04:00"',
                "ddd:hh24:mi-ddd:hh24:mi",
            );
            problemFor(
                sqlProblems({ preferredBackupWindow: "03:00-04:00" }),
                "sql.preferredMaintenanceWindow",
                '"sun:03:30-sun:04:30"',
                "must not overlap the daily backup window (03:00-04:00)",
            );
            // Across midnight into Monday.
            problemFor(
                sqlProblems({ preferredBackupWindow: "23:30-00:30", preferredMaintenanceWindow: "mon:00:00-mon:01:00" }),
                "sql.preferredMaintenanceWindow",
                '"mon:00:00-mon:01:00"',
                "must not overlap",
            );
        });

        it("rejects bad cluster identifiers, database and user names, and IAM auth as the master user", () => {
            problemFor(sqlProblems({ clusterIdentifier: "Prod--db-" }), "sql.clusterIdentifier", '"Prod--db-"', "lowercase letters, digits and hyphens");
            problemFor(sqlProblems({ databaseName: "1db" }), "sql.databaseName", '"1db"', "must start with a letter");
            problemFor(sqlProblems({ masterUsername: "rdsadmin" }), "sql.masterUsername", '"rdsadmin"', "not an RDS reserved role");
            problemFor(sqlProblems({ iamDatabaseUser: "postgres" }), "sql.iamDatabaseUser", '"postgres"', "must differ from the master user");
        });

        it("requires at least one table, unique table names and a valid PITR window", () => {
            problemFor(validateDataTierArgs("data", nosqlDataTierArgs({}, { tables: [] })), "nosql.tables", "[]", "at least one table is required");
            problemFor(
                validateDataTierArgs("data", nosqlDataTierArgs({}, { tables: [SESSIONS_TABLE, SESSIONS_TABLE] })),
                "nosql.tables[1].name",
                '"sessions"',
                "table names must be unique",
            );
            problemFor(validateDataTierArgs("data", nosqlDataTierArgs({}, { pointInTimeRecoveryDays: 36 })), "nosql.pointInTimeRecoveryDays", "36", "must be 1-35 days");
        });

        it("rejects bad table names", () => {
            problemFor(tableProblems({ name: "ab" }), "nosql.tables[0].name", '"ab"', "must be 3-255 letters, digits, _ . -");
        });

        it("requires capacities for PROVISIONED and forbids them on demand", () => {
            problemFor(tableProblems({ billingMode: "PROVISIONED" }), "nosql.tables[0].readCapacity", "{}", "PROVISIONED tables need readCapacity and writeCapacity >= 1");
            problemFor(tableProblems({ readCapacity: 5 }), "nosql.tables[0].readCapacity", '{"readCapacity":5}', "capacities apply only to PROVISIONED tables");
        });

        it("enforces GSI projection rules", () => {
            const gsi = ORDERS_TABLE.globalSecondaryIndexes[0];
            problemFor(
                tableProblems({ globalSecondaryIndexes: [{ ...gsi, nonKeyAttributes: [] }] }),
                "nosql.tables[0].globalSecondaryIndexes[0].nonKeyAttributes",
                "[]",
                "must list at least one attribute when projectionType is INCLUDE",
            );
            problemFor(
                tableProblems({ globalSecondaryIndexes: [{ ...gsi, projectionType: "ALL" }] }),
                "nosql.tables[0].globalSecondaryIndexes[0].nonKeyAttributes",
                '["status","total"]',
                "must be empty unless projectionType is INCLUDE (it is ALL)",
            );
            problemFor(
                tableProblems({ globalSecondaryIndexes: [{ ...gsi, nonKeyAttributes: ["pk"] }] }),
                "nosql.tables[0].globalSecondaryIndexes[0].nonKeyAttributes[0]",
                '"pk"',
                "must not be a table or index key attribute",
            );
            problemFor(tableProblems({ globalSecondaryIndexes: [gsi, gsi] }), "nosql.tables[0].globalSecondaryIndexes[1].name", '"by-customer"', "index names must be unique");
            const many = Array.from({ length: 21 }, (_, i) => ({ ...gsi, name: `index-${i}` }));
            problemFor(tableProblems({ globalSecondaryIndexes: many }), "nosql.tables[0].globalSecondaryIndexes", "21", "at most 20 global secondary indexes");
        });

        it("rejects one attribute with two types, equal partition and sort keys, and a non-Number TTL key", () => {
            const gsi = { ...ORDERS_TABLE.globalSecondaryIndexes[1], partitionKey: { name: "sk", type: "N" as const }, sortKey: undefined };
            problemFor(
                tableProblems({ globalSecondaryIndexes: [gsi] }),
                "nosql.tables[0].globalSecondaryIndexes[0].partitionKey.type",
                '"N"',
                'must match the type of attribute "sk" at nosql.tables[0].sortKey (S)',
            );
            problemFor(tableProblems({ sortKey: { name: "pk", type: "S" } }), "nosql.tables[0].sortKey.name", '"pk"', "must differ from the partition key");
            problemFor(tableProblems({ ttlAttribute: "sk" }), "nosql.tables[0].ttlAttribute", '"sk"', "TTL needs a Number");
        });
    });
});
