/**
 * The whole platform through the real stacks: the sync and async request paths are connected
 * end to end, trust boundaries hold, prod protects its data, and every stack passes the policy
 * pack under its own environment's enforcement levels.
 */
import * as assert from "assert";
import { RecordedResource } from "../engine/mocks";
import { runStack } from "../engine/run-stack";
import { evaluatePolicies, fromRecorded } from "../policies/evaluate";
import { Recorded, policyDocument } from "./support/harness";

type StackName = "dev" | "staging" | "prod";
const runs = new Map<string, Promise<Recorded>>();
function stack(name: StackName, overrides?: Record<string, string>): Promise<Recorded> {
    const key = `${name}${JSON.stringify(overrides ?? {})}`;
    if (!runs.has(key)) {
        runs.set(
            key,
            runStack(name, { overrides }).then((r) => new Recorded(r.resources)),
        );
    }
    return runs.get(key) as Promise<Recorded>;
}

/** The component (platform:* type) that owns a resource, and the resource a security group id belongs to. */
function groupsById(r: Recorded): Map<string, RecordedResource> {
    return new Map(r.ofType("aws:ec2/securityGroup:SecurityGroup").map((g) => [String(g.id), g]));
}

/** Environment variables of a task definition's (single) container. */
function containerEnvironment(task: RecordedResource): { name: string; value: string }[] {
    const containers = JSON.parse(String(task.inputs.containerDefinitions)) as { environment: { name: string; value: string }[] }[];
    return containers[0].environment;
}

/** Ingress rules as `source-group-name -> target-group-name:port`. */
function ingressEdges(r: Recorded): string[] {
    const groups = groupsById(r);
    return r
        .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((rule) => {
            const ref = rule.inputs.referencedSecurityGroupId;
            const source = typeof ref === "string" && ref !== "" ? groups.get(ref)?.name : rule.inputs.cidrIpv4;
            return `${String(source)} -> ${String(groups.get(String(rule.inputs.securityGroupId))?.name)}:${String(rule.inputs.fromPort)}`;
        })
        .sort();
}

/** Ingress edges of prod and staging: the same services declare the same stores. */
const EXPECTED_EDGES = [
    "app-alb-sg -> app-catalog-sg:8080",
    "app-alb-sg -> app-fulfillment-sg:8080",
    "app-alb-sg -> app-orders-sg:8080",
    "app-catalog-sg -> cache-sg:6379",
    "app-client-sg -> app-alb-sg:443",
    "app-fulfillment-sg -> data-db:5432",
    "app-orders-sg -> cache-sg:6379",
    "app-orders-sg -> data-db:5432",
];

describe("platform (prod): synchronous path client -> API -> VPC link -> ALB -> services", () => {
    it("integrates every exposed route privately with the ALB over the VPC link, with the service's scopes", async () => {
        const r = await stack("prod");
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer", "app-alb");
        const link = r.one("aws:apigatewayv2/vpcLink:VpcLink", "api-vpc-link");
        const proxies = r.ofType("aws:apigateway/integration:Integration").filter((i) => i.inputs.connectionType === "VPC_LINK");
        assert.deepStrictEqual(proxies.map((i) => i.name).sort(), [
            "api-integration-ANY/catalog",
            "api-integration-ANY/catalog/{proxy+}",
            "api-integration-ANY/orders",
            "api-integration-ANY/orders/health",
            "api-integration-ANY/orders/{proxy+}",
        ]);
        for (const integration of proxies) {
            assert.deepStrictEqual(
                [integration.inputs.type, integration.inputs.integrationTarget, integration.inputs.connectionId],
                ["HTTP_PROXY", alb.state.arn, link.id],
                integration.name,
            );
            assert.match(String(integration.inputs.uri), /^https:\/\/(orders|catalog)\.internal\.example\.com\//);
        }
        const methods = r.ofType("aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod === "ANY");
        const scopesOf = (name: string) => methods.find((m) => m.name === name)?.inputs.authorizationScopes;
        assert.deepStrictEqual(scopesOf("api-method-ANY/orders/{proxy+}"), ["api/orders.read", "api/orders.write"]);
        assert.deepStrictEqual(scopesOf("api-method-ANY/catalog/{proxy+}"), ["api/catalog.read"]);
        assert.strictEqual(methods.find((m) => m.name === "api-method-ANY/orders/health")?.inputs.authorization, "NONE");
    });

    it("admits the ALB only from the VPC link's group, each service only from the ALB, data and cache only from their declared services", async () => {
        assert.deepStrictEqual(ingressEdges(await stack("prod")), EXPECTED_EDGES);
    });

    it("routes each service by host and path with the priorities from config", async () => {
        const rules = (await stack("prod")).ofType("aws:lb/listenerRule:ListenerRule");
        assert.deepStrictEqual(rules.map((rule) => [rule.name, rule.inputs.priority]).sort(), [
            ["app-catalog-rule", 20],
            ["app-fulfillment-rule", 30],
            ["app-orders-rule", 10],
        ]);
    });
});

describe("platform (staging): prod's shape at smaller sizes", () => {
    it("admits the database (5432) and the cache (6379) only from the services that declare them", async () => {
        assert.deepStrictEqual(ingressEdges(await stack("staging")), EXPECTED_EDGES);
    });

    it("runs Aurora Serverless v2 with a writer and a failover reader in two AZs, 7-day backups, deletion protection, not protect", async () => {
        const r = await stack("staging");
        const cluster = r.one("aws:rds/cluster:Cluster");
        assert.deepStrictEqual(
            [
                cluster.inputs.serverlessv2ScalingConfiguration,
                cluster.inputs.backupRetentionPeriod,
                cluster.inputs.deletionProtection,
                cluster.inputs.storageEncrypted,
                cluster.inputs.iamDatabaseAuthenticationEnabled,
                cluster.inputs.enabledCloudwatchLogsExports,
                cluster.protect,
            ],
            [{ minCapacity: 0.5, maxCapacity: 8 }, 7, true, true, true, ["postgresql", "iam-db-auth-error", "instance"], false],
        );
        assert.deepStrictEqual(
            r.ofType("aws:rds/clusterInstance:ClusterInstance").map((i) => [i.inputs.promotionTier, i.inputs.availabilityZone, i.inputs.monitoringInterval]),
            [
                [0, "eu-west-1a", 30],
                [1, "eu-west-1b", 30],
            ],
        );
        const readers = r.one("aws:appautoscaling/target:Target", "data-readers");
        assert.deepStrictEqual([readers.inputs.minCapacity, readers.inputs.maxCapacity], [1, 3]);
    });

    it("runs the cache Multi-AZ with a primary and a replica in two AZs, encrypted, 3-day snapshots", async () => {
        const group = (await stack("staging")).one("aws:elasticache/replicationGroup:ReplicationGroup");
        assert.deepStrictEqual(
            [
                group.inputs.nodeType,
                group.inputs.numCacheClusters,
                group.inputs.automaticFailoverEnabled,
                group.inputs.multiAzEnabled,
                group.inputs.preferredCacheClusterAzs,
                group.inputs.atRestEncryptionEnabled,
                group.inputs.transitEncryptionMode,
                group.inputs.snapshotRetentionLimit,
                group.protect,
            ],
            ["cache.t4g.small", 2, true, true, ["eu-west-1a", "eu-west-1b"], true, "required", 3, false],
        );
    });
});

/** An EventBridge event pattern as the platform writes it: arrays of exact values at the leaves, objects above. */
interface Pattern {
    readonly [field: string]: readonly unknown[] | Pattern;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** EventBridge matching of exact-value patterns: every pattern field is in the event and equals one of its values. */
function matches(pattern: Pattern, event: Record<string, unknown>): boolean {
    return Object.entries(pattern).every(([field, expected]) => {
        const actual = event[field];
        if (Array.isArray(expected)) {
            if (expected.some((v) => v !== null && typeof v === "object")) {
                throw new Error(`content filter in ${JSON.stringify(expected)}: extend this matcher before using one`);
            }
            return expected.includes(actual);
        }
        return isRecord(actual) && matches(expected as Pattern, actual);
    });
}

/** The smallest value a `detail` pattern matches: the first value of every leaf. */
function witness(pattern: Pattern): Record<string, unknown> {
    return Object.fromEntries(Object.entries(pattern).map(([field, expected]) => [field, Array.isArray(expected) ? expected[0] : witness(expected as Pattern)]));
}

/** Who can put events on the bus, as the stack grants it: the sources each may send and the detail it would send to satisfy a rule. */
interface Producer {
    readonly name: string;
    readonly busArn: unknown;
    readonly sources: readonly string[];
    /** The `detail` this producer can send to satisfy `detailPattern`, or undefined when it cannot. */
    readonly detail: (detailPattern: Pattern | undefined) => Record<string, unknown> | undefined;
}

/** The producers of a stack: the API's async route (from its integration and request model) and every service granted PutEvents. */
function producers(r: Recorded): Producer[] {
    const bus = r.one("aws:cloudwatch/eventBus:EventBus");
    const integration = r.one("aws:apigateway/integration:Integration", "api-integration-POST/events/{detailType}");
    const template = String((integration.inputs.requestTemplates as Record<string, string>)["application/json"]);
    // The entry the route puts: Source fixed by the template, DetailType the path parameter, Detail the validated body.
    assert.match(template, /"DetailType": "\$util\.escapeJavaScript\(\$input\.params\(\)\.path\.get\('detailType'\)\)/);
    assert.match(template, /"Detail": "\$util\.escapeJavaScript\(\$input\.json\('\$'\)\)/);
    assert.match(template, new RegExp(`"EventBusName": "${String(bus.state.name)}"`));
    const apiSource = /"Source": "([^"]+)"/.exec(template)?.[1];
    assert.ok(apiSource);
    const apiRole = r
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((p) => p.parent?.endsWith("platform:api:SecureApi::api") && String(p.inputs.policy).includes("events:PutEvents"));
    assert.ok(apiRole, "the API's events role policy");
    const schema = JSON.parse(String(r.one("aws:apigateway/model:Model", "api-event-model").inputs.schema)) as {
        properties: Record<string, { type: string }>;
        required: string[];
        additionalProperties: boolean;
    };
    const api: Producer = {
        name: "api",
        busArn: policyDocument(apiRole.inputs.policy).Statement[0].Resource,
        sources: [apiSource],
        // The request model admits only its properties, so a filter can match only fields under them.
        detail: (detailPattern) => {
            const body: Record<string, unknown> = { version: "1", data: {}, ...(detailPattern ? witness(detailPattern) : {}) };
            const fits =
                schema.additionalProperties === false &&
                schema.required.every((field) => field in body) &&
                Object.entries(body).every(([field, value]) => schema.properties[field] !== undefined && (schema.properties[field].type !== "object" || isRecord(value)));
            return fits ? body : undefined;
        },
    };
    const services = r
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => /^app-.+-task-policy$/.test(p.name))
        .flatMap((p) =>
            policyDocument(p.inputs.policy)
                .Statement.filter((st) => (st.Action as string[]).includes("events:PutEvents"))
                .map((st): Producer => ({
                    name: `service ${p.name.replace(/^app-|-task-policy$/g, "")}`,
                    busArn: st.Resource,
                    sources: (st.Condition as { StringEquals: Record<string, string[]> }).StringEquals["events:source"],
                    // A service writes whatever detail it likes.
                    detail: (detailPattern) => (detailPattern ? witness(detailPattern) : {}),
                })),
        );
    return [api, ...services];
}

for (const name of ["staging", "prod"] as const) {
    describe(`platform (${name}): asynchronous path producer -> bus -> rule -> queue -> consumer`, () => {
        it("every rule matches an event one of its producers is allowed to put on this bus", async () => {
            const r = await stack(name);
            const bus = r.one("aws:cloudwatch/eventBus:EventBus");
            const all = producers(r);
            for (const p of all) {
                assert.deepStrictEqual(p.busArn, [bus.state.arn], `${p.name} may put events on this bus only`);
            }
            const fed = r.ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => {
                assert.strictEqual(rule.inputs.eventBusName, bus.state.name);
                const pattern = JSON.parse(String(rule.inputs.eventPattern)) as Pattern;
                const detailType = (pattern["detail-type"] as string[])[0];
                const detailPattern = pattern.detail as Pattern | undefined;
                const from = all.filter((p) =>
                    p.sources.some((source) => {
                        const detail = p.detail(detailPattern);
                        return detail !== undefined && matches(pattern, { source, "detail-type": detailType, detail });
                    }),
                );
                return [rule.name, from.map((p) => p.name)];
            });
            assert.deepStrictEqual(fed, [
                ["events-order-placed-rule", ["service orders"]],
                ["events-payment-settled-rule", ["api"]],
            ]);
        });

        it("each rule delivers to its queue, whose consumer alone may receive from it and scales on its backlog", async () => {
            const r = await stack(name);
            const chain = r.ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => {
                const target = r.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => t.inputs.rule === rule.state.name);
                const queue = r.ofType("aws:sqs/queue:Queue").find((q) => q.state.arn === target?.inputs.arn);
                assert.ok(queue, rule.name);
                const consumers = r
                    .ofType("aws:iam/rolePolicy:RolePolicy")
                    .filter((p) =>
                        policyDocument(p.inputs.policy).Statement.some((st) => st.Sid === "ConsumeQueue" && JSON.stringify(st.Resource) === JSON.stringify([queue.state.arn])),
                    )
                    .map((p) => p.name.replace(/^app-|-task-policy$/g, ""));
                const scaling = r
                    .ofType("aws:appautoscaling/policy:Policy")
                    .filter((p) => JSON.stringify(p.inputs).includes(`"value":"${String(queue.state.name)}"`))
                    .map((p) => p.name);
                const task = r.one("aws:ecs/taskDefinition:TaskDefinition", `app-${consumers[0]}-task`);
                const queueUrl = containerEnvironment(task).find((e) => e.name === "QUEUE_URL")?.value;
                return [rule.name, queue.name, consumers, scaling, queueUrl === queue.state.url];
            });
            assert.deepStrictEqual(chain, [
                ["events-order-placed-rule", "events-order-placed", ["fulfillment"], ["app-fulfillment-scale-backlog"], true],
                ["events-payment-settled-rule", "events-payment-settled", ["orders"], ["app-orders-scale-backlog"], true],
            ]);
        });
    });
}

describe("platform (prod): asynchronous path details", () => {
    it("the API's role may only put events on the bus", async () => {
        const r = await stack("prod");
        const bus = r.one("aws:cloudwatch/eventBus:EventBus");
        const role = r
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .find((p) => p.parent?.endsWith("platform:api:SecureApi::api") && String(p.inputs.policy).includes("events:PutEvents"));
        assert.ok(role, "the API's events role policy");
        assert.deepStrictEqual(
            policyDocument(role.inputs.policy).Statement.map((st) => [st.Effect, st.Action, st.Resource]),
            [["Allow", ["events:PutEvents"], [bus.state.arn]]],
        );
    });

    it("scales the consumer on backlog per task: visible messages of exactly its queue over its running tasks, target 50", async () => {
        const r = await stack("prod");
        const queue = r.one("aws:sqs/queue:Queue", "events-order-placed");
        const cluster = r.one("aws:ecs/cluster:Cluster");
        const service = r.one("aws:ecs/service:Service", "app-fulfillment-service");
        const policy = r.one("aws:appautoscaling/policy:Policy", "app-fulfillment-scale-backlog");
        assert.deepStrictEqual(policy.inputs, {
            policyType: "TargetTrackingScaling",
            resourceId: `service/${String(cluster.state.name)}/${String(service.state.name)}`,
            scalableDimension: "ecs:service:DesiredCount",
            serviceNamespace: "ecs",
            targetTrackingScalingPolicyConfiguration: {
                customizedMetricSpecification: {
                    metrics: [
                        {
                            id: "m1",
                            label: "Visible messages in the queue",
                            metricStat: {
                                metric: { dimensions: [{ name: "QueueName", value: queue.state.name }], metricName: "ApproximateNumberOfMessagesVisible", namespace: "AWS/SQS" },
                                stat: "Sum",
                            },
                            returnData: false,
                        },
                        {
                            id: "m2",
                            label: "Running tasks of the service",
                            metricStat: {
                                metric: {
                                    dimensions: [
                                        { name: "ClusterName", value: cluster.state.name },
                                        { name: "ServiceName", value: service.state.name },
                                    ],
                                    metricName: "RunningTaskCount",
                                    namespace: "ECS/ContainerInsights",
                                },
                                stat: "Average",
                            },
                            returnData: false,
                        },
                        { expression: "m1 / m2", id: "e1", label: "Backlog per task", returnData: true },
                    ],
                },
                scaleInCooldown: 300,
                scaleOutCooldown: 60,
                // backlogPerTask 50 from Pulumi.prod.yaml
                targetValue: 50,
            },
        });
    });

    it("orders publishes to the notifications topic, which fans out to both standard queues", async () => {
        const r = await stack("prod");
        const topic = r.one("aws:sns/topic:Topic", "events-notifications");
        const publishers = r
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((p) =>
                policyDocument(p.inputs.policy).Statement.some(
                    (st) => (st.Action as string[]).includes("sns:Publish") && JSON.stringify(st.Resource) === JSON.stringify([topic.state.arn]),
                ),
            )
            .map((p) => p.name);
        assert.deepStrictEqual(publishers, ["app-orders-task-policy"]);
        assert.deepStrictEqual(
            r
                .ofType("aws:sns/topicSubscription:TopicSubscription")
                .filter((sub) => sub.inputs.topic === topic.state.arn)
                .map((sub) => sub.name),
            ["events-order-placed-notifications", "events-payment-settled-notifications"],
        );
    });
});

describe("platform: private DNS with failover-tuned TTLs", () => {
    for (const name of ["dev", "staging", "prod"] as const) {
        it(`${name}: database and cache writers 5 s, readers 30 s, ALB aliases without TTL`, async () => {
            const r = await stack(name);
            const zone = { dev: "internal.dev.example.com", staging: "internal.staging.example.com", prod: "internal.example.com" }[name];
            const records = r.ofType("aws:route53/record:Record").filter((rec) => rec.parent?.endsWith("platform:dns:PrivateDns::dns"));
            assert.deepStrictEqual(records.map((rec) => [rec.inputs.name, rec.inputs.type, rec.inputs.ttl ?? "alias"]).sort(), [
                [`alb.${zone}`, "A", "alias"],
                [`cache-ro.${zone}`, "CNAME", 30],
                [`cache.${zone}`, "CNAME", 5],
                [`catalog.${zone}`, "A", "alias"],
                [`db-ro.${zone}`, "CNAME", 30],
                [`db.${zone}`, "CNAME", 5],
                [`fulfillment.${zone}`, "A", "alias"],
                [`orders.${zone}`, "A", "alias"],
            ]);
        });
    }

    it("services connect to the private names; the real endpoints only name the TLS server and sign the IAM auth token", async () => {
        const r = await stack("prod");
        const task = r.one("aws:ecs/taskDefinition:TaskDefinition", "app-orders-task");
        const env = Object.fromEntries(containerEnvironment(task).map((e) => [e.name, e.value]));
        const cluster = r.one("aws:rds/cluster:Cluster");
        const group = r.one("aws:elasticache/replicationGroup:ReplicationGroup");
        const connection = Object.fromEntries(Object.entries(env).filter(([name]) => /^(DB|CACHE)_/.test(name)));
        assert.deepStrictEqual(connection, {
            DB_HOST: "db.internal.example.com",
            DB_READER_HOST: "db-ro.internal.example.com",
            DB_TLS_SERVER_NAME: cluster.state.endpoint,
            // RDS rejects a token signed for a custom Route 53 name: it is signed for the endpoints.
            DB_IAM_TOKEN_HOST: cluster.state.endpoint,
            DB_READER_IAM_TOKEN_HOST: cluster.state.readerEndpoint,
            DB_PORT: "5432",
            DB_NAME: "app",
            DB_IAM_USER: "app",
            CACHE_HOST: "cache.internal.example.com",
            CACHE_READER_HOST: "cache-ro.internal.example.com",
            CACHE_TLS_SERVER_NAME: group.state.primaryEndpointAddress,
            CACHE_PORT: "6379",
            CACHE_AUTH_SECRET_ARN: r.one("aws:secretsmanager/secret:Secret", "cache-auth").state.arn,
        });
        // The user the task role may connect as is the one the service is told to sign in as.
        const connect = r
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((p) => p.name.startsWith("app-orders"))
            .flatMap((p) => policyDocument(p.inputs.policy).Statement)
            .find((st) => st.Sid === "ConnectWithIamAuth");
        assert.deepStrictEqual(connect?.Resource, [`arn:aws:rds-db:eu-west-1:123456789012:dbuser:${String(cluster.state.clusterResourceId)}/app`]);
    });
});

describe("platform (prod): data safety", () => {
    it("creates every stateful resource with protect and retainOnDelete", async () => {
        const r = await stack("prod");
        const stateful = [
            ...r.ofType("aws:rds/cluster:Cluster"),
            ...r.ofType("aws:rds/clusterInstance:ClusterInstance"),
            ...r.ofType("aws:elasticache/replicationGroup:ReplicationGroup"),
            ...r.ofType("aws:secretsmanager/secret:Secret"),
            ...r.ofType("aws:kms/key:Key"),
            ...r.ofType("aws:s3/bucket:Bucket"),
            // What holds events and messages: the bus, its replay archive, every queue and DLQ.
            ...r.ofType("aws:cloudwatch/eventBus:EventBus"),
            ...r.ofType("aws:cloudwatch/eventArchive:EventArchive"),
            ...r.ofType("aws:sqs/queue:Queue").filter((q) => q.parent?.endsWith("platform:events:EventBus::events")),
        ];
        assert.strictEqual(r.ofType("aws:rds/clusterInstance:ClusterInstance").length, 3);
        // The bus DLQ, and per subscription (order-placed, payment-settled) the queue, its DLQ and its delivery DLQ.
        assert.strictEqual(r.ofType("aws:sqs/queue:Queue").filter((q) => q.parent?.endsWith("platform:events:EventBus::events")).length, 7);
        for (const resource of stateful) {
            assert.deepStrictEqual([resource.protect, resource.retainOnDelete], [true, true], `${resource.type} ${resource.name}`);
        }
    });

    it("dev protects nothing, so it can be torn down", async () => {
        const protectedInDev = (await stack("dev")).all.filter((res) => res.protect);
        assert.deepStrictEqual(
            protectedInDev.map((res) => res.name),
            [],
        );
    });

    it("nosql: the same program builds DynamoDB tables with CMK, PITR and deletion protection, and no database ingress", async () => {
        const r = await stack("prod", {
            "platform:dataKind": "nosql",
            "platform:dynamoTables": JSON.stringify([{ name: "orders", partitionKey: { name: "pk", type: "S" }, sortKey: { name: "sk", type: "S" }, ttlAttribute: "expiresAt" }]),
        });
        const table = r.one("aws:dynamodb/table:Table");
        assert.deepStrictEqual(
            [
                table.inputs.billingMode,
                (table.inputs.serverSideEncryption as { enabled: boolean }).enabled,
                (table.inputs.pointInTimeRecovery as { enabled: boolean }).enabled,
                table.inputs.deletionProtectionEnabled,
                table.protect,
                table.retainOnDelete,
            ],
            ["PAY_PER_REQUEST", true, true, true, true, true],
        );
        assert.deepStrictEqual(r.ofType("aws:rds/cluster:Cluster"), []);
        assert.ok(!ingressEdges(r).some((edge) => edge.endsWith(":5432")));
        const task = r.one("aws:ecs/taskDefinition:TaskDefinition", "app-orders-task");
        const env = containerEnvironment(task).map((e) => e.name);
        assert.ok(env.includes("TABLE_ORDERS") && !env.includes("DB_HOST"));
    });
});

describe("platform (prod): writer, readers and cache nodes spread over the Network's AZs", () => {
    it("places the writer and the failover reader (promotion tier 1) in different AZs, the third reader in the third", async () => {
        const r = await stack("prod");
        const placement = r.ofType("aws:rds/clusterInstance:ClusterInstance").map((i) => [i.name, i.inputs.promotionTier, i.inputs.availabilityZone]);
        assert.deepStrictEqual(placement, [
            ["data-instance-1", 0, "eu-west-1a"],
            ["data-instance-2", 1, "eu-west-1b"],
            ["data-instance-3", 2, "eu-west-1c"],
        ]);
    });

    it("pins the cache's primary and two replicas to three different AZs, the primary first", async () => {
        const group = (await stack("prod")).one("aws:elasticache/replicationGroup:ReplicationGroup");
        assert.deepStrictEqual(
            [group.inputs.numCacheClusters, group.inputs.multiAzEnabled, group.inputs.preferredCacheClusterAzs],
            [3, true, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]],
        );
    });

    it("dev: the single writer and the single cache node in the first AZ", async () => {
        const r = await stack("dev");
        assert.deepStrictEqual(
            r.ofType("aws:rds/clusterInstance:ClusterInstance").map((i) => i.inputs.availabilityZone),
            ["eu-west-1a"],
        );
        assert.deepStrictEqual(r.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.preferredCacheClusterAzs, ["eu-west-1a"]);
    });
});

describe("platform: EdgeCdn in front of the API", () => {
    it("prod: the distribution's API origin is the API's custom domain, HTTPS only, and its us-east-1 parts carry the region", async () => {
        const r = await stack("prod");
        const distribution = r.one("aws:cloudfront/distribution:Distribution");
        const origins = distribution.inputs.origins as { domainName: string; customOriginConfig?: { originProtocolPolicy: string } }[];
        const apiOrigin = origins.find((o) => o.customOriginConfig);
        assert.deepStrictEqual([apiOrigin?.domainName, apiOrigin?.customOriginConfig?.originProtocolPolicy], ["api.example.com", "https-only"]);
        for (const type of ["aws:acm/certificate:Certificate", "aws:wafv2/webAcl:WebAcl"]) {
            const edgeOnes = r.ofType(type).filter((res) => res.parent?.endsWith("platform:edge:EdgeCdn::edge"));
            assert.ok(edgeOnes.length > 0);
            edgeOnes.forEach((res) => assert.strictEqual(res.inputs.region, "us-east-1", res.name));
        }
    });

    it("staging (apiCdnOnly): CloudFront sends the secret origin header the API's WAF requires, and it stays secret", async () => {
        const r = await stack("staging");
        const secret = r.ofType("random:index/randomPassword:RandomPassword").find((p) => p.parent?.endsWith("platform:api:SecureApi::api"));
        assert.ok(secret);
        const distribution = r.one("aws:cloudfront/distribution:Distribution");
        assert.ok(distribution.secretInputs.includes("origins"));
        const headers = (distribution.inputs.origins as { customHeaders?: { name: string; value: string }[] }[]).flatMap((o) => o.customHeaders ?? []);
        assert.deepStrictEqual(headers, [{ name: "x-origin-verify", value: secret.state.result }]);
        const acl = r.ofType("aws:wafv2/webAcl:WebAcl").find((w) => w.parent?.endsWith("platform:api:SecureApi::api"));
        assert.ok(JSON.stringify(acl?.inputs.rules).includes(String(secret.state.result)));
    });

    it("dev has no CDN", async () => {
        assert.deepStrictEqual((await stack("dev")).ofType("aws:cloudfront/distribution:Distribution"), []);
    });
});

describe("platform: every stack passes the policy pack under its own enforcement levels", () => {
    const evaluate = async (name: StackName) =>
        evaluatePolicies(fromRecorded((await stack(name)).all.map((res) => ({ ...res, dependencies: [...res.dependencies] }))), { config: `policies/config/${name}.json` });
    const summary = (violations: { policy: string; enforcementLevel: string; urn: string }[]) =>
        violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn.split("::").pop()}`).sort();

    it("prod: no violation of any level", async () => {
        assert.deepStrictEqual(summary((await evaluate("prod")).violations), []);
    });

    it("staging: no mandatory violation; advisory only for protect, which staging leaves off so it can be rebuilt", async () => {
        const violations = (await evaluate("staging")).violations;
        assert.deepStrictEqual(
            violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
        assert.deepStrictEqual([...new Set(violations.map((v) => v.policy))], ["stateful-resources-protected"]);
    });

    it("dev: no mandatory violation; the advisories are exactly dev's cheaper choices (single NAT, single instances, no protection)", async () => {
        const violations = (await evaluate("dev")).violations;
        assert.deepStrictEqual(
            violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
        assert.deepStrictEqual([...new Set(violations.map((v) => v.policy))].sort(), [
            "aurora-cluster-min-instances",
            "ecs-autoscaling-min-capacity",
            "ecs-service-min-tasks",
            "elasticache-multi-az-failover",
            "lb-deletion-protection",
            "rds-deletion-protection",
            "stateful-resources-protected",
            "vpc-nat-gateway-per-az",
        ]);
    });
});

describe("platform: alarms reach the alarm topic", () => {
    it("prod: the API's and the bus's alarms notify the alarm topic, which mails on-call", async () => {
        const r = await stack("prod");
        const topic = r.one("aws:sns/topic:Topic", "alarms-topic");
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => /platform:(api:SecureApi|events:EventBus)::/.test(a.parent ?? ""));
        assert.deepStrictEqual(alarms.map((a) => a.name).sort(), [
            "api-5xx-rate",
            "api-latency-p99",
            "events-bus-dlq-visible",
            "events-order-placed-delivery-dlq-visible",
            "events-order-placed-dlq-visible",
            "events-order-placed-oldest-message",
            "events-order-placed-rule-failed-invocations",
            "events-payment-settled-delivery-dlq-visible",
            "events-payment-settled-dlq-visible",
            "events-payment-settled-oldest-message",
            "events-payment-settled-rule-failed-invocations",
        ]);
        for (const alarm of alarms) {
            assert.deepStrictEqual(alarm.inputs.alarmActions, [topic.state.arn], alarm.name);
        }
        assert.strictEqual(r.one("aws:sns/topicSubscription:TopicSubscription", "alarms-platform-oncall-example-com").inputs.endpoint, "platform-oncall@example.com");
    });
});
