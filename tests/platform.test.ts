/**
 * The whole platform through the real stacks: the sync and async request paths are connected
 * end to end, trust boundaries hold, prod protects its data, and every stack passes the policy
 * pack under its own environment's enforcement levels.
 */
import * as assert from "assert";
import { ACCESS_LOG_FORMAT } from "../components/secure-api";
import { CLOUDFRONT_MANAGED_POLICY_IDS, MOCK_ACCOUNT_ID, RecordedResource, mockHostedZoneId } from "../engine/mocks";
import { PROJECT_DIR } from "../engine/run-stack";
import { loadStackConfig } from "../engine/stack-config";
import { AlbRule, firstMatchingRule } from "../lib/alb-rules";
import { evaluatePolicies, fromRecorded } from "../policies/evaluate";
import { Recorded, policyDocument } from "./support/harness";
import { recordStack } from "./support/stacks";

type StackName = "dev" | "staging" | "prod";
const runs = new Map<string, Promise<Recorded>>();
function stack(name: StackName, overrides?: Record<string, string>): Promise<Recorded> {
    const key = `${name}${JSON.stringify(overrides ?? {})}`;
    if (!runs.has(key)) {
        runs.set(
            key,
            recordStack(name, overrides).then((r) => new Recorded(r.resources)),
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
            "api-integration-ANY/fulfillment",
            "api-integration-ANY/fulfillment/{proxy+}",
            "api-integration-ANY/orders",
            "api-integration-ANY/orders/health",
            "api-integration-ANY/orders/{proxy+}",
            "api-integration-GET/orders/health",
            "api-integration-HEAD/orders/health",
        ]);
        for (const integration of proxies) {
            assert.deepStrictEqual(
                [integration.inputs.type, integration.inputs.integrationTarget, integration.inputs.connectionId],
                ["HTTP_PROXY", alb.state.arn, link.id],
                integration.name,
            );
            assert.match(String(integration.inputs.uri), /^https:\/\/(orders|catalog|fulfillment)\.internal\.example\.com\/\{segment0\}/);
        }
        const methods = r.ofType("aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod === "ANY");
        const scopesOf = (name: string) => methods.find((m) => m.name === name)?.inputs.authorizationScopes;
        assert.deepStrictEqual(scopesOf("api-method-ANY/orders/{proxy+}"), ["api/orders.read", "api/orders.write"]);
        assert.deepStrictEqual(scopesOf("api-method-ANY/catalog/{proxy+}"), ["api/catalog.read"]);
        assert.strictEqual(methods.find((m) => m.name === "api-method-ANY/orders/health")?.inputs.authorization, "COGNITO_USER_POOLS", "only GET and HEAD are public");
        assert.strictEqual(r.one("aws:apigateway/method:Method", "api-method-GET/orders/health").inputs.authorization, "NONE");
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

/** The recorded listener rules as ALB rules (priority, host and path values), with their target group. */
function listenerRules(r: Recorded): (AlbRule & { name: string; targetGroupArn: string })[] {
    return r.ofType("aws:lb/listenerRule:ListenerRule").map((rule) => {
        const conditions = rule.inputs.conditions as { hostHeader?: { values: string[] }; pathPattern?: { values: string[] } }[];
        const actions = rule.inputs.actions as { type: string; targetGroupArn: string }[];
        return {
            name: rule.name,
            priority: rule.inputs.priority as number,
            hostPatterns: conditions.flatMap((c) => c.hostHeader?.values ?? []),
            pathPatterns: conditions.flatMap((c) => c.pathPattern?.values ?? []),
            targetGroupArn: actions[0].targetGroupArn,
        };
    });
}

/** api.basePath -> service name, from the stack file. */
function servicesByBasePath(name: StackName): Map<string, string> {
    const services = JSON.parse(loadStackConfig(PROJECT_DIR, name).config["platform:services"]) as { name: string; api?: { basePath?: string } }[];
    return new Map(services.filter((s) => s.api).map((s) => [s.api?.basePath ?? s.name, s.name]));
}

describe("platform: every request the API forwards reaches its service's listener rule", () => {
    for (const name of ["dev", "staging", "prod"] as const) {
        it(`${name}: replaying the ALB's rules in priority order on each VPC-link integration's host and path`, async () => {
            const r = await stack(name);
            const rules = listenerRules(r);
            const byBasePath = servicesByBasePath(name);
            const integrations = r.ofType("aws:apigateway/integration:Integration").filter((i) => i.inputs.connectionType === "VPC_LINK");
            assert.ok(integrations.length >= 5, `${name} has VPC-link integrations`);
            const reached = integrations.flatMap((integration) => {
                // The backend path: the URI's path parameters filled from the integration's request
                // parameters (static segments are literals; the greedy {proxy} stands for any rest).
                const parameters = (integration.inputs.requestParameters ?? {}) as Record<string, string>;
                const filled = String(integration.inputs.uri).replace(/\{(\w+)\}/g, (_, param: string) => {
                    const source = parameters[`integration.request.path.${param}`];
                    return source === "method.request.path.proxy" ? "PROXY" : (/^'(.*)'$/.exec(source ?? "")?.[1] ?? `{unmapped ${param}}`);
                });
                const uri = new URL(filled);
                const service = byBasePath.get(uri.pathname.split("/")[1]);
                const paths = uri.pathname.includes("PROXY") ? ["item", "a/b/c", "health"].map((p) => uri.pathname.replace("PROXY", p)) : [uri.pathname];
                return paths.map((path) => {
                    const rule = firstMatchingRule(rules, { host: uri.hostname, path });
                    const targetGroup = r.ofType("aws:lb/targetGroup:TargetGroup").find((tg) => tg.state.arn === rule?.targetGroupArn);
                    return [uri.hostname, path, rule?.name ?? "fixed 404", targetGroup?.name, service];
                });
            });
            assert.deepStrictEqual(
                reached,
                reached.map(([host, path, , , service]) => [host, path, `app-${String(service)}-rule`, `app-${String(service)}`, service]),
            );
        });
    }
});

const ALB_EXPECTED = {
    prod: {
        zone: "internal.example.com",
        deletionProtection: true,
        subnets: 3,
        services: {
            orders: { priority: 10, paths: ["/orders", "/orders/*"], min: 3, max: 12, backlog: true },
            catalog: { priority: 20, paths: ["/catalog", "/catalog/*"], min: 3, max: 12, backlog: false },
            fulfillment: { priority: 30, paths: [], min: 2, max: 10, backlog: true },
        },
    },
    dev: {
        zone: "internal.dev.example.com",
        deletionProtection: false,
        subnets: 2,
        services: {
            orders: { priority: 10, paths: ["/orders", "/orders/*"], min: 1, max: 4, backlog: true },
            catalog: { priority: 20, paths: ["/catalog", "/catalog/*"], min: 1, max: 4, backlog: false },
            fulfillment: { priority: 30, paths: [], min: 1, max: 4, backlog: true },
        },
    },
} as const;

for (const name of ["prod", "dev"] as const) {
    const expected = ALB_EXPECTED[name];
    const tags = { environment: name, project: "platform", component: "InternalAlbService", "managed-by": "pulumi" };
    const serviceNames = Object.keys(expected.services) as (keyof typeof expected.services)[];

    describe(`platform (${name}): the internal ALB exactly as config composes it`, () => {
        it(`is internal in ${expected.subnets} private subnets, deletion protection ${String(expected.deletionProtection)}`, async () => {
            const r = await stack(name);
            const alb = r.one("aws:lb/loadBalancer:LoadBalancer", "app-alb");
            const subnets = r.one("aws:apigatewayv2/vpcLink:VpcLink", "api-vpc-link").inputs.subnetIds;
            assert.deepStrictEqual(alb.inputs, {
                loadBalancerType: "application",
                internal: true,
                ipAddressType: "ipv4",
                subnets,
                securityGroups: [r.one("aws:ec2/securityGroup:SecurityGroup", "app-alb-sg").id],
                enableDeletionProtection: expected.deletionProtection,
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                idleTimeout: 60,
                enableHttp2: true,
                enableWafFailOpen: false,
                xffHeaderProcessingMode: "append",
                accessLogs: { bucket: r.one("aws:s3/bucket:Bucket", "app-alb-logs").state.bucket, prefix: "alb", enabled: true },
                tags,
            });
            assert.strictEqual((subnets as string[]).length, expected.subnets);
        });

        it("serves HTTPS on 443 with the validated certificate and a TLS 1.3 policy, a fixed 404 by default; port 80 only redirects", async () => {
            const r = await stack(name);
            const albArn = r.one("aws:lb/loadBalancer:LoadBalancer", "app-alb").state.arn;
            const validation = r.one("aws:acm/certificateValidation:CertificateValidation", "app-cert-validation");
            assert.deepStrictEqual(r.one("aws:acm/certificate:Certificate", "app-cert").inputs, { domainName: `*.${expected.zone}`, validationMethod: "DNS", tags });
            assert.strictEqual(validation.inputs.certificateArn, r.one("aws:acm/certificate:Certificate", "app-cert").state.arn);
            assert.deepStrictEqual(r.one("aws:lb/listener:Listener", "app-https").inputs, {
                loadBalancerArn: albArn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                certificateArn: validation.inputs.certificateArn,
                defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } }],
                tags,
            });
            assert.deepStrictEqual(r.one("aws:lb/listener:Listener", "app-http-redirect").inputs, {
                loadBalancerArn: albArn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                tags,
            });
            assert.strictEqual(r.ofType("aws:lb/listener:Listener").length, 2);
        });

        it("gives each service an ip target group on its port with the health check, and one rule with exactly its conditions", async () => {
            const r = await stack(name);
            const vpcId = r.one("aws:lb/targetGroup:TargetGroup", "app-orders").inputs.vpcId;
            const listenerArn = r.one("aws:lb/listener:Listener", "app-https").state.arn;
            assert.deepStrictEqual(
                r
                    .ofType("aws:lb/targetGroup:TargetGroup")
                    .map((tg) => tg.name)
                    .sort(),
                serviceNames.map((s) => `app-${s}`).sort(),
            );
            assert.deepStrictEqual(
                r
                    .ofType("aws:lb/listenerRule:ListenerRule")
                    .map((rule) => rule.name)
                    .sort(),
                serviceNames.map((s) => `app-${s}-rule`).sort(),
            );
            for (const svc of serviceNames) {
                const e = expected.services[svc];
                const tg = r.one("aws:lb/targetGroup:TargetGroup", `app-${svc}`);
                assert.deepStrictEqual(tg.inputs, {
                    vpcId,
                    targetType: "ip",
                    port: 8080,
                    protocol: "HTTP",
                    protocolVersion: "HTTP1",
                    deregistrationDelay: 30,
                    healthCheck: {
                        enabled: true,
                        protocol: "HTTP",
                        port: "traffic-port",
                        path: "/health",
                        matcher: "200",
                        interval: 15,
                        timeout: 5,
                        healthyThreshold: 2,
                        unhealthyThreshold: 3,
                    },
                    tags,
                });
                assert.deepStrictEqual(r.one("aws:lb/listenerRule:ListenerRule", `app-${svc}-rule`).inputs, {
                    listenerArn,
                    priority: e.priority,
                    conditions: [{ hostHeader: { values: [`${svc}.${expected.zone}`] } }, ...(e.paths.length > 0 ? [{ pathPattern: { values: [...e.paths] } }] : [])],
                    actions: [{ type: "forward", targetGroupArn: tg.state.arn }],
                    tags,
                });
            }
        });

        it("scales each service between its configured min and max on CPU, memory, requests per target (and queue backlog)", async () => {
            const r = await stack(name);
            const albSuffix = String(r.one("aws:lb/loadBalancer:LoadBalancer", "app-alb").state.arn).split(":loadbalancer/")[1];
            const cluster = r.one("aws:ecs/cluster:Cluster", "app-cluster").state.name;
            for (const svc of serviceNames) {
                const e = expected.services[svc];
                const resourceId = `service/${String(cluster)}/${String(r.one("aws:ecs/service:Service", `app-${svc}-service`).state.name)}`;
                assert.deepStrictEqual(r.one("aws:appautoscaling/target:Target", `app-${svc}-scaling`).inputs, {
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId,
                    minCapacity: e.min,
                    maxCapacity: e.max,
                    tags,
                });
                const tgArn = String(r.one("aws:lb/targetGroup:TargetGroup", `app-${svc}`).state.arn);
                const policy = (metric: Record<string, unknown>, targetValue: number) => ({
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId,
                    targetTrackingScalingPolicyConfiguration: { scaleOutCooldown: 60, scaleInCooldown: 300, targetValue, ...metric },
                });
                assert.deepStrictEqual(
                    r.one("aws:appautoscaling/policy:Policy", `app-${svc}-scale-cpu`).inputs,
                    policy({ predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } }, 60),
                );
                assert.deepStrictEqual(
                    r.one("aws:appautoscaling/policy:Policy", `app-${svc}-scale-memory`).inputs,
                    policy({ predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" } }, 70),
                );
                assert.deepStrictEqual(
                    r.one("aws:appautoscaling/policy:Policy", `app-${svc}-scale-requests`).inputs,
                    policy(
                        {
                            predefinedMetricSpecification: {
                                predefinedMetricType: "ALBRequestCountPerTarget",
                                resourceLabel: `${albSuffix}/${tgArn.slice(tgArn.indexOf("targetgroup/"))}`,
                            },
                        },
                        1000,
                    ),
                );
                assert.deepStrictEqual(
                    r
                        .ofType("aws:appautoscaling/policy:Policy")
                        .filter((p) => p.name.startsWith(`app-${svc}-`))
                        .map((p) => p.name)
                        .sort(),
                    [`app-${svc}-scale-cpu`, `app-${svc}-scale-memory`, `app-${svc}-scale-requests`, ...(e.backlog ? [`app-${svc}-scale-backlog`] : [])].sort(),
                );
            }
        });

        it("admits the ALB only from the VPC link's group, tasks only from the ALB; egress exactly the documented set", async () => {
            const r = await stack(name);
            const groups = groupsById(r);
            const clientSg = r.one("aws:ec2/securityGroup:SecurityGroup", "app-client-sg");
            assert.deepStrictEqual(r.one("aws:apigatewayv2/vpcLink:VpcLink", "api-vpc-link").inputs.securityGroupIds, [clientSg.id]);
            const describeRule = (direction: string) => (rule: RecordedResource) => {
                const i = rule.inputs;
                const peer = typeof i.referencedSecurityGroupId === "string" ? groups.get(i.referencedSecurityGroupId)?.name : i.cidrIpv4;
                return `${String(groups.get(String(i.securityGroupId))?.name)} ${direction} ${String(i.ipProtocol)} ${String(i.fromPort)}-${String(i.toPort)} ${String(peer)}`;
            };
            const ofAlbComponent = (rule: RecordedResource) => rule.parent?.endsWith("platform:app:InternalAlbService::app") === true;
            const rules = [
                ...r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(ofAlbComponent).map(describeRule("in")),
                ...r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(ofAlbComponent).map(describeRule("out")),
            ].sort();
            assert.deepStrictEqual(rules, [
                "app-alb-sg in tcp 443-443 app-client-sg",
                "app-alb-sg out tcp 8080-8080 app-catalog-sg",
                "app-alb-sg out tcp 8080-8080 app-fulfillment-sg",
                "app-alb-sg out tcp 8080-8080 app-orders-sg",
                "app-catalog-sg in tcp 8080-8080 app-alb-sg",
                "app-catalog-sg out tcp 443-443 0.0.0.0/0",
                "app-catalog-sg out tcp 6379-6379 cache-sg",
                "app-client-sg out tcp 443-443 app-alb-sg",
                "app-fulfillment-sg in tcp 8080-8080 app-alb-sg",
                "app-fulfillment-sg out tcp 443-443 0.0.0.0/0",
                "app-fulfillment-sg out tcp 5432-5432 data-db",
                "app-orders-sg in tcp 8080-8080 app-alb-sg",
                "app-orders-sg out tcp 443-443 0.0.0.0/0",
                "app-orders-sg out tcp 5432-5432 data-db",
                "app-orders-sg out tcp 6379-6379 cache-sg",
                "cache-sg in tcp 6379-6379 app-catalog-sg",
                "cache-sg in tcp 6379-6379 app-orders-sg",
                "data-db in tcp 5432-5432 app-fulfillment-sg",
                "data-db in tcp 5432-5432 app-orders-sg",
            ]);
            for (const ingress of r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
                assert.ok(ingress.inputs.cidrIpv4 !== "0.0.0.0/0" && ingress.inputs.cidrIpv6 !== "::/0", `${ingress.name} is open to the world`);
            }
        });
    });
}

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

describe("platform: configured ALB ingress CIDRs and secret keys", () => {
    it("dev with albIngressCidrs: the ALB admits 443 from the VPC link's group and exactly that CIDR", async () => {
        const r = await stack("dev", { "platform:albIngressCidrs": JSON.stringify(["10.20.0.0/16"]) });
        const albSg = r.one("aws:ec2/securityGroup:SecurityGroup", "app-alb-sg").id;
        const clientSg = r.one("aws:ec2/securityGroup:SecurityGroup", "app-client-sg").id;
        const tags = { environment: "dev", project: "platform", component: "InternalAlbService", "managed-by": "pulumi" };
        assert.deepStrictEqual(
            r
                .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .filter((rule) => rule.inputs.securityGroupId === albSg)
                .map((rule) => rule.inputs)
                .sort((a, b) => String(a.description).localeCompare(String(b.description))),
            [
                { securityGroupId: albSg, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.20.0.0/16", description: "HTTPS from private range 10.20.0.0/16", tags },
                {
                    securityGroupId: albSg,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    referencedSecurityGroupId: clientSg,
                    description: "HTTPS from the client group (API VPC link)",
                    tags,
                },
            ],
        );
    });

    it("prod with secretArns and kmsKeyArns: the task role may read exactly those secrets and decrypt with exactly those keys, via Secrets Manager", async () => {
        const secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/stripe-AbCdEf";
        const key = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-4111-8111-111111111111";
        const services = (JSON.parse(loadStackConfig(PROJECT_DIR, "prod").config["platform:services"]) as Record<string, unknown>[]).map((s) =>
            s.name === "orders" ? { ...s, secretArns: [secret], kmsKeyArns: [key] } : s,
        );
        const r = await stack("prod", { "platform:services": JSON.stringify(services) });
        const statements = policyDocument(r.one("aws:iam/rolePolicy:RolePolicy", "app-orders-task-policy").inputs.policy).Statement;
        assert.deepStrictEqual(
            statements.filter((s) => s.Sid === "ReadConfiguredSecrets" || s.Sid === "DecryptConfiguredSecrets"),
            [
                { Sid: "ReadConfiguredSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secret] },
                {
                    Sid: "DecryptConfiguredSecrets",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [key],
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
                },
            ],
        );
        // Nothing else in the stack grants that key or that secret.
        const grants = r
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .flatMap((p) => policyDocument(p.inputs.policy).Statement.map((s) => [p.name, s.Sid, s.Resource] as const))
            .filter(([, , resource]) => (resource as string[]).some((x) => x === key || x === secret));
        assert.deepStrictEqual(grants, [
            ["app-orders-task-policy", "ReadConfiguredSecrets", [secret]],
            ["app-orders-task-policy", "DecryptConfiguredSecrets", [key]],
        ]);
    });
});

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
    const EDGE = /platform:edge:EdgeCdn::edge$/;
    const edgeChildren = (r: Recorded) => r.all.filter((res) => res.custom && EDGE.test(res.parent ?? ""));
    const distributionOf = (r: Recorded) => r.one("aws:cloudfront/distribution:Distribution", "edge-cdn");
    type Behavior = Record<string, unknown>;
    const API_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

    it("prod: viewer side from config: alias, us-east-1 certificate with SNI and TLSv1.2_2021, HTTP/2 and 3, IPv6, PriceClass_All, no geo restriction, the edge web ACL", async () => {
        const r = await stack("prod");
        const d = distributionOf(r).inputs;
        assert.deepStrictEqual(
            [d.enabled, d.aliases, d.httpVersion, d.isIpv6Enabled, d.priceClass, d.restrictions],
            [true, ["www.example.com"], "http2and3", true, "PriceClass_All", { geoRestriction: { restrictionType: "none", locations: [] } }],
        );
        assert.deepStrictEqual(d.viewerCertificate, {
            acmCertificateArn: r.one("aws:acm/certificate:Certificate", "edge-cert").state.arn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        });
        assert.strictEqual(d.webAclId, r.one("aws:wafv2/webAcl:WebAcl", "edge-waf").state.arn);
        assert.strictEqual(r.one("aws:wafv2/webAcl:WebAcl", "edge-waf").inputs.scope, "CLOUDFRONT");
    });

    it("prod: the API behavior sends /v1/* (apiBasePath) to the API's custom domain over HTTPS, uncached, every method, without the viewer's Host", async () => {
        const r = await stack("prod");
        const d = distributionOf(r).inputs;
        const apiOrigin = (d.origins as Behavior[]).find((o) => o.originId === "api");
        // prod leaves apiCdnOnly off (partners call the API directly), but CloudFront still sends the
        // origin secret: the API's WAF exempts those requests from its per-IP rate rule (CloudFront's
        // own WAF limits per viewer), without blocking requests that lack it.
        const secret = r.ofType("random:index/randomPassword:RandomPassword").find((p) => p.parent?.endsWith("platform:api:SecureApi::api"));
        assert.ok(secret, "the API's origin-verify secret");
        assert.deepStrictEqual(apiOrigin, {
            originId: "api",
            domainName: "api.example.com",
            customHeaders: [{ name: "x-origin-verify", value: secret.state.result }],
            customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
        });
        const headers = r.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "edge-security-headers");
        assert.deepStrictEqual(d.orderedCacheBehaviors, [
            {
                pathPattern: "/v1/*",
                targetOriginId: "api",
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: API_METHODS,
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingDisabled"],
                originRequestPolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"],
                responseHeadersPolicyId: headers.id,
                compress: true,
            },
        ]);
        assert.deepStrictEqual(
            [(d.defaultCacheBehavior as Behavior).targetOriginId, (d.defaultCacheBehavior as Behavior).viewerProtocolPolicy],
            ["static-site", "redirect-to-https"],
        );
        assert.strictEqual(
            (headers.inputs.securityHeadersConfig as Record<string, Behavior>).contentSecurityPolicy.contentSecurityPolicy,
            "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
        );
    });

    it("prod: A and AAAA alias records for the CDN alias in the public zone (the API's), targeting the distribution in Z2FDTNDATAQYW2", async () => {
        const r = await stack("prod");
        const publicZone = r.all.find((res) => res.type === "aws:route53/record:Record" && res.inputs.name === "api.example.com")?.inputs.zoneId;
        // The zone looked up with privateZone: false (alias records cannot live in a private zone).
        assert.strictEqual(publicZone, mockHostedZoneId("example.com", false), "the API's alias record is in the public zone");
        assert.notStrictEqual(publicZone, mockHostedZoneId("example.com", true));
        const records = r.ofType("aws:route53/record:Record").filter((rec) => EDGE.test(rec.parent ?? "") && rec.name.startsWith("edge-alias-"));
        const target = [{ name: distributionOf(r).state.domainName, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }];
        assert.deepStrictEqual(
            records.map((rec) => [rec.inputs.name, rec.inputs.type, rec.inputs.zoneId, rec.inputs.aliases, rec.inputs.ttl]),
            [
                ["www.example.com", "A", publicZone, target, undefined],
                ["www.example.com", "AAAA", publicZone, target, undefined],
            ],
        );
    });

    it("prod (stack in eu-west-1): certificate, its validation, web ACL and its logs, log delivery, logs key and alarm carry region us-east-1; the site bucket and its key the stack's", async () => {
        const r = await stack("prod");
        const byRegion = (region: string | undefined) =>
            edgeChildren(r)
                .filter((res) => res.inputs.region === region)
                .map((res) => `${res.type.split(":")[1]} ${res.name}`)
                .sort();
        assert.deepStrictEqual(byRegion("us-east-1"), [
            "acm/certificate edge-cert",
            "acm/certificateValidation edge-cert",
            "cloudwatch/logDelivery edge-access-logs",
            "cloudwatch/logDeliveryDestination edge-access-logs",
            "cloudwatch/logDeliverySource edge-access-logs",
            "cloudwatch/logGroup edge-access-logs",
            "cloudwatch/logGroup edge-waf-logs",
            "cloudwatch/logResourcePolicy edge-access-logs",
            "cloudwatch/logResourcePolicy edge-waf-logs-delivery",
            "cloudwatch/metricAlarm edge-5xx-rate",
            "kms/key edge-logs-key",
            "kms/keyPolicy edge-logs-key-policy",
            "wafv2/webAcl edge-waf",
            "wafv2/webAclLoggingConfiguration edge-waf-logging",
        ]);
        assert.ok(byRegion(undefined).includes("s3/bucket edge-site") && byRegion(undefined).includes("kms/key edge-site-key"));
        assert.deepStrictEqual(
            edgeChildren(r)
                .map((res) => res.inputs.region)
                .filter((region) => region !== undefined && region !== "us-east-1"),
            [],
        );
    });

    it("prod with CDN config set: CSP, geo restriction, per-path API caching and the key deletion window reach the distribution", async () => {
        const r = await stack("prod", {
            "platform:cdnContentSecurityPolicy": "default-src 'none'; img-src 'self'",
            "platform:cdnGeoRestrictionType": "blacklist",
            "platform:cdnGeoRestrictionLocations": JSON.stringify(["KP", "RU"]),
            "platform:cdnApiCachePaths": JSON.stringify([{ pathPattern: "/v1/catalog/*", ttlSeconds: 60 }]),
            "platform:kmsDeletionWindowDays": "7",
        });
        const d = distributionOf(r).inputs;
        assert.deepStrictEqual(d.restrictions, { geoRestriction: { restrictionType: "blacklist", locations: ["KP", "RU"] } });
        const headers = r.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "edge-security-headers").inputs.securityHeadersConfig as Record<string, Behavior>;
        assert.deepStrictEqual(headers.contentSecurityPolicy, { contentSecurityPolicy: "default-src 'none'; img-src 'self'", override: true });
        const cached = r.one("aws:cloudfront/cachePolicy:CachePolicy", "edge-api-cache-60s");
        assert.deepStrictEqual(
            [cached.inputs.defaultTtl, cached.inputs.maxTtl, (cached.inputs.parametersInCacheKeyAndForwardedToOrigin as Record<string, Behavior>).headersConfig],
            [60, 60, { headerBehavior: "whitelist", headers: { items: ["Authorization"] } }],
        );
        const behaviors = d.orderedCacheBehaviors as Behavior[];
        assert.deepStrictEqual(
            behaviors.map((b) => [b.pathPattern, b.cachePolicyId, b.originRequestPolicyId]),
            [
                ["/v1/catalog/*", cached.id, CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"]],
                ["/v1/*", CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingDisabled"], CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"]],
            ],
        );
        assert.deepStrictEqual(
            [...edgeChildren(r), ...r.ofType("aws:kms/key:Key").filter((k) => k.name === "alarms-us-east-1-key")]
                .filter((res) => res.type === "aws:kms/key:Key")
                .map((k) => [k.name, k.inputs.deletionWindowInDays]),
            [
                ["edge-site-key", 7],
                ["edge-logs-key", 7],
                ["alarms-us-east-1-key", 7],
            ],
        );
    });

    it("staging (apiCdnOnly): CloudFront sends the secret header that the API's regional WAF requires EXACTLY, in its first rule, and it stays secret", async () => {
        const r = await stack("staging");
        const secret = r.ofType("random:index/randomPassword:RandomPassword").find((p) => p.parent?.endsWith("platform:api:SecureApi::api"));
        assert.ok(secret);
        const distribution = distributionOf(r);
        assert.ok(distribution.secretInputs.includes("origins"));
        const headers = (distribution.inputs.origins as { customHeaders?: { name: string; value: string }[] }[]).flatMap((o) => o.customHeaders ?? []);
        assert.deepStrictEqual(headers, [{ name: "x-origin-verify", value: secret.state.result }]);

        const acl = r.ofType("aws:wafv2/webAcl:WebAcl").find((w) => w.parent?.endsWith("platform:api:SecureApi::api"));
        assert.ok(acl);
        assert.strictEqual(acl.inputs.scope, "REGIONAL");
        const rules = acl.inputs.rules as Behavior[];
        const verify = rules.find((rule) => rule.name === "origin-verify");
        assert.ok(verify, "the origin-verify rule");
        const { visibilityConfig: _visibility, ...rule } = verify;
        assert.deepStrictEqual(rule, {
            name: "origin-verify",
            priority: 0,
            // Block every request whose x-origin-verify header is not exactly the secret.
            action: { block: {} },
            statement: {
                notStatement: {
                    statement: {
                        byteMatchStatement: {
                            fieldToMatch: { singleHeader: { name: headers[0].name } },
                            positionalConstraint: "EXACTLY",
                            searchString: secret.state.result,
                            textTransformations: [{ priority: 0, type: "NONE" }],
                        },
                    },
                },
            },
        });
        assert.deepStrictEqual(
            rules.filter((other) => Number(other.priority) <= 0).map((other) => other.name),
            ["origin-verify"],
            "evaluated before every other rule",
        );
    });

    it("dev has no CDN: no EdgeCdn, no distribution, nothing in us-east-1", async () => {
        const r = await stack("dev");
        assert.deepStrictEqual(r.ofType("platform:edge:EdgeCdn"), []);
        assert.deepStrictEqual(r.ofType("aws:cloudfront/distribution:Distribution"), []);
        assert.deepStrictEqual(
            r.all.filter((res) => res.inputs.region === "us-east-1").map((res) => res.name),
            [],
        );
    });
});

describe("platform: SecureApi as each stack's config composes it", () => {
    const API = "platform:api:SecureApi::api";
    const mine = (r: Recorded, type: string) => r.ofType(type).filter((res) => res.parent?.endsWith(API));
    const one = (r: Recorded, type: string, name: string) => r.one(type, name);
    /** Inputs without the default tags (asserted stack-wide in tests/stacks.test.ts). */
    const untagged = (res: RecordedResource) => Object.fromEntries(Object.entries(res.inputs).filter(([key]) => key !== "tags"));

    /** Every generated method as `VERB /path: authorization [scopes] key=<apiKeyRequired> <request parameters>`. */
    function routes(r: Recorded): string[] {
        const authorizer = r.one("aws:apigateway/authorizer:Authorizer");
        const resources = new Map(r.ofType("aws:apigateway/resource:Resource").map((res) => [res.id, res.name.replace(/^api-resource/, "")]));
        return r
            .ofType("aws:apigateway/method:Method")
            .map((m) => {
                const i = m.inputs;
                if (i.authorization === "COGNITO_USER_POOLS") {
                    assert.strictEqual(i.authorizerId, authorizer.id, `${m.name} uses the Cognito authorizer`);
                }
                const params = Object.keys((i.requestParameters as Record<string, boolean> | undefined) ?? {})
                    .sort()
                    .join(",");
                return `${String(i.httpMethod)} ${String(resources.get(String(i.resourceId)))}: ${String(i.authorization)} ${JSON.stringify(i.authorizationScopes ?? [])} key=${String(i.apiKeyRequired)}${params ? ` ${params}` : ""}`;
            })
            .sort();
    }

    const orders = '["api/orders.read","api/orders.write"]';
    const catalog = '["api/catalog.read"]';
    // Every stack's payments plan covers the async route: the payment provider's key is required there.
    const events = 'POST /events/{detailType}: COGNITO_USER_POOLS ["api/events.write"] key=true method.request.path.detailType';

    it("prod: every route, its authorization, scopes and API key; only the partners' fulfillment API and the async route require a key", async () => {
        assert.deepStrictEqual(routes(await stack("prod")), [
            `ANY /catalog/{proxy+}: COGNITO_USER_POOLS ${catalog} key=false method.request.header.Authorization,method.request.path.proxy`,
            `ANY /catalog: COGNITO_USER_POOLS ${catalog} key=false method.request.header.Authorization`,
            'ANY /fulfillment/{proxy+}: COGNITO_USER_POOLS ["api/fulfillment.read"] key=true method.request.path.proxy',
            'ANY /fulfillment: COGNITO_USER_POOLS ["api/fulfillment.read"] key=true',
            `ANY /orders/health: COGNITO_USER_POOLS ${orders} key=false`,
            `ANY /orders/{proxy+}: COGNITO_USER_POOLS ${orders} key=false method.request.path.proxy`,
            `ANY /orders: COGNITO_USER_POOLS ${orders} key=false`,
            "GET /orders/health: NONE [] key=false",
            "HEAD /orders/health: NONE [] key=false",
            events,
        ]);
    });

    it("dev: every route, its authorization and scopes; only the async route (the payments plan) requires an API key", async () => {
        assert.deepStrictEqual(routes(await stack("dev")), [
            `ANY /catalog/{proxy+}: COGNITO_USER_POOLS ${catalog} key=false method.request.path.proxy`,
            `ANY /catalog: COGNITO_USER_POOLS ${catalog} key=false`,
            `ANY /orders/health: COGNITO_USER_POOLS ${orders} key=false`,
            `ANY /orders/{proxy+}: COGNITO_USER_POOLS ${orders} key=false method.request.path.proxy`,
            `ANY /orders: COGNITO_USER_POOLS ${orders} key=false`,
            "GET /orders/health: NONE [] key=false",
            "HEAD /orders/health: NONE [] key=false",
            events,
        ]);
        assert.deepStrictEqual(
            mine(await stack("dev"), "aws:apigateway/usagePlan:UsagePlan").map((p) => p.name),
            ["api-plan-payments"],
        );
    });

    it("prod: the backend path reaches the ALB segment by segment, without the stage", async () => {
        const r = await stack("prod");
        const uriAndPath = (name: string) => {
            const i = one(r, "aws:apigateway/integration:Integration", `api-integration-${name}`).inputs;
            return [i.integrationHttpMethod, i.uri, i.requestParameters];
        };
        assert.deepStrictEqual(uriAndPath("ANY/fulfillment/{proxy+}"), [
            "ANY",
            "https://fulfillment.internal.example.com/{segment0}/{proxy}",
            { "integration.request.path.segment0": "'fulfillment'", "integration.request.path.proxy": "method.request.path.proxy" },
        ]);
        assert.deepStrictEqual(uriAndPath("GET/orders/health"), [
            "GET",
            "https://orders.internal.example.com/{segment0}/{segment1}",
            { "integration.request.path.segment0": "'orders'", "integration.request.path.segment1": "'health'" },
        ]);
        assert.deepStrictEqual(one(r, "aws:apigateway/integration:Integration", "api-integration-ANY/catalog/{proxy+}").inputs.cacheKeyParameters, [
            "method.request.path.proxy",
            "method.request.header.Authorization",
        ]);
    });

    it("both: one Cognito authorizer on the stack's user pool, with the account-unique domain prefix", async () => {
        for (const name of ["dev", "prod"] as const) {
            const r = await stack(name);
            const pool = r.one("aws:cognito/userPool:UserPool");
            assert.deepStrictEqual(r.one("aws:apigateway/authorizer:Authorizer").inputs, {
                restApi: r.one("aws:apigateway/restApi:RestApi").id,
                name: "cognito",
                type: "COGNITO_USER_POOLS",
                providerArns: [pool.state.arn],
                identitySource: "method.request.header.Authorization",
                authorizerResultTtlInSeconds: 300,
            });
            assert.deepStrictEqual(r.one("aws:cognito/userPoolDomain:UserPoolDomain").inputs, { domain: `platform-${name}-${MOCK_ACCOUNT_ID}`, userPoolId: pool.id });
        }
    });

    it("one client-credentials client per plan consumer with its plan's scopes only (partners: fulfillment; payments: events), and the web app's user client with the services' scopes but never events.write", async () => {
        const clients = (r: Recorded) =>
            mine(r, "aws:cognito/userPoolClient:UserPoolClient")
                .map((c) => [c.name, c.inputs.allowedOauthFlows, c.inputs.generateSecret, c.inputs.allowedOauthScopes, c.inputs.callbackUrls])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepStrictEqual(clients(await stack("prod")), [
            ["api-client-acme", ["client_credentials"], true, ["api/fulfillment.read"], undefined],
            ["api-client-globex", ["client_credentials"], true, ["api/fulfillment.read"], undefined],
            ["api-client-paymentco", ["client_credentials"], true, ["api/events.write"], undefined],
            [
                "api-user-client",
                ["code"],
                false,
                ["openid", "email", "api/catalog.read", "api/fulfillment.read", "api/orders.read", "api/orders.write"],
                ["https://www.example.com/callback"],
            ],
        ]);
        assert.deepStrictEqual(clients(await stack("staging")), [
            ["api-client-paymentco", ["client_credentials"], true, ["api/events.write"], undefined],
            ["api-user-client", ["code"], false, ["openid", "email", "api/catalog.read", "api/orders.read", "api/orders.write"], ["https://staging.example.com/callback"]],
        ]);
        assert.deepStrictEqual(clients(await stack("dev")), [
            ["api-client-paymentco", ["client_credentials"], true, ["api/events.write"], undefined],
            ["api-user-client", ["code"], false, ["openid", "email", "api/catalog.read", "api/orders.read", "api/orders.write"], ["http://localhost:3000/callback"]],
        ]);
    });

    it("prod: the partners and payments usage plans on the stage, with throttling and quota, and one generated key per consumer", async () => {
        const r = await stack("prod");
        const api = r.one("aws:apigateway/restApi:RestApi");
        assert.deepStrictEqual(
            r.ofType("aws:apigateway/usagePlan:UsagePlan").map((p) => p.name),
            ["api-plan-partners", "api-plan-payments"],
        );
        const payments = r.one("aws:apigateway/usagePlan:UsagePlan", "api-plan-payments");
        assert.deepStrictEqual(untagged(payments), {
            description: "Usage plan payments of platform-prod",
            apiStages: [{ apiId: api.id, stage: "v1" }],
            throttleSettings: { rateLimit: 100, burstLimit: 50 },
            quotaSettings: { limit: 1000000, period: "DAY" },
        });
        const plan = r.one("aws:apigateway/usagePlan:UsagePlan", "api-plan-partners");
        assert.deepStrictEqual(
            [plan.name, untagged(plan)],
            [
                "api-plan-partners",
                {
                    description: "Usage plan partners of platform-prod",
                    apiStages: [{ apiId: api.id, stage: "v1" }],
                    throttleSettings: { rateLimit: 200, burstLimit: 100 },
                    quotaSettings: { limit: 500000, period: "DAY" },
                },
            ],
        );
        const keys = r.ofType("aws:apigateway/apiKey:ApiKey");
        assert.deepStrictEqual(
            keys.map((k) => [k.name, untagged(k)]),
            [
                ["api-key-acme", { description: "API key of acme (plan partners)", enabled: true }],
                ["api-key-globex", { description: "API key of globex (plan partners)", enabled: true }],
                ["api-key-paymentco", { description: "API key of paymentco (plan payments)", enabled: true }],
            ],
        );
        assert.deepStrictEqual(
            r
                .ofType("aws:apigateway/usagePlanKey:UsagePlanKey")
                .map((k) => [k.inputs.keyId, k.inputs.usagePlanId])
                .sort(),
            keys.map((k) => [k.id, k.name === "api-key-paymentco" ? payments.id : plan.id]).sort(),
        );
    });

    it("both: the stage has JSON access logs, X-Ray, stage throttling from config and, in prod only, an encrypted cache", async () => {
        const expected = { dev: { rate: 100, burst: 50, cache: false }, prod: { rate: 2000, burst: 1000, cache: true } };
        for (const name of ["dev", "prod"] as const) {
            const r = await stack(name);
            const stage = r.one("aws:apigateway/stage:Stage");
            const logs = r.one("aws:cloudwatch/logGroup:LogGroup", "api-access-logs");
            assert.deepStrictEqual(
                [stage.inputs.stageName, stage.inputs.xrayTracingEnabled, stage.inputs.accessLogSettings, stage.inputs.cacheClusterEnabled, stage.inputs.cacheClusterSize],
                ["v1", true, { destinationArn: logs.state.arn, format: ACCESS_LOG_FORMAT }, expected[name].cache, expected[name].cache ? "0.5" : undefined],
                name,
            );
            assert.strictEqual(logs.inputs.kmsKeyId, r.one("aws:kms/key:Key", "keys-logs").state.arn, `${name}: access logs under the logs CMK`);
            const settings = r.one("aws:apigateway/methodSettings:MethodSettings", "api-settings-*/*").inputs.settings as Record<string, unknown>;
            assert.deepStrictEqual(
                [
                    settings.throttlingRateLimit,
                    settings.throttlingBurstLimit,
                    settings.loggingLevel,
                    settings.dataTraceEnabled,
                    settings.metricsEnabled,
                    settings.cacheDataEncrypted,
                ],
                [expected[name].rate, expected[name].burst, "ERROR", false, true, expected[name].cache ? true : undefined],
                name,
            );
            // apiManageAccountLogsRole defaults to true: the Region's logging role exists before the stage.
            const account = r.one("aws:apigateway/account:Account");
            assert.ok(stage.dependencies.includes(account.urn), `${name}: the stage waits for the account's CloudWatch role`);
        }
        const catalogGet = (await stack("prod")).one("aws:apigateway/methodSettings:MethodSettings", "api-settings-catalog/{proxy+}/GET").inputs.settings as Record<
            string,
            unknown
        >;
        assert.deepStrictEqual([catalogGet.cachingEnabled, catalogGet.cacheTtlInSeconds, catalogGet.cacheDataEncrypted], [true, 60, true]);
        const ordersPost = (await stack("prod")).one("aws:apigateway/methodSettings:MethodSettings", "api-settings-orders/POST").inputs.settings as Record<string, unknown>;
        assert.deepStrictEqual([ordersPost.throttlingRateLimit, ordersPost.throttlingBurstLimit], [1000, 500]);
    });

    it("both: the regional WAF rules by name and priority; behind prod's CDN the rate rule skips CloudFront's verified requests", async () => {
        const managed = (name: string, priority: number) => ({
            name,
            priority,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `api-${name}`, sampledRequestsEnabled: true },
        });
        const rateRule = (limit: number, scopeDown: Record<string, unknown>) => ({
            name: "rate-limit-per-ip",
            priority: 20,
            action: { block: {} },
            statement: { rateBasedStatement: { limit, aggregateKeyType: "IP", evaluationWindowSec: 300, ...scopeDown } },
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "api-rate-limit-per-ip", sampledRequestsEnabled: true },
        });
        const rules = (limit: number, scopeDown: Record<string, unknown>) => [
            managed("AWSManagedRulesAmazonIpReputationList", 10),
            rateRule(limit, scopeDown),
            managed("AWSManagedRulesCommonRuleSet", 30),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 40),
        ];
        const dev = await stack("dev");
        assert.deepStrictEqual(mine(dev, "aws:wafv2/webAcl:WebAcl")[0].inputs.rules, rules(1000, {}));
        assert.deepStrictEqual(mine(dev, "random:index/randomPassword:RandomPassword"), [], "no CDN, no origin secret");

        const prod = await stack("prod");
        const secret = mine(prod, "random:index/randomPassword:RandomPassword")[0];
        const acl = mine(prod, "aws:wafv2/webAcl:WebAcl")[0];
        assert.ok(acl.secretInputs.includes("rules"));
        assert.deepStrictEqual(
            acl.inputs.rules,
            rules(2000, {
                scopeDownStatement: {
                    notStatement: {
                        statement: {
                            byteMatchStatement: {
                                fieldToMatch: { singleHeader: { name: "x-origin-verify" } },
                                positionalConstraint: "EXACTLY",
                                searchString: secret.state.result,
                                textTransformations: [{ priority: 0, type: "NONE" }],
                            },
                        },
                    },
                },
            }),
            "prod is not CDN-only: no blocking origin-verify rule, and direct clients are still rate-limited per IP",
        );
        const distribution = prod.one("aws:cloudfront/distribution:Distribution");
        const headers = (distribution.inputs.origins as { customHeaders?: { name: string; value: string }[] }[]).flatMap((o) => o.customHeaders ?? []);
        assert.deepStrictEqual(headers, [{ name: "x-origin-verify", value: secret.state.result }], "CloudFront sends the header the rate rule exempts");
    });

    it("dev: the mTLS custom domain pins the truststore version, TLS 1.2, the execute-api endpoint off, mapped at v1", async () => {
        const r = await stack("dev");
        const bucket = mine(r, "aws:s3/bucket:Bucket")[0];
        const object = r.one("aws:s3/bucketObjectv2:BucketObjectv2");
        const domain = r.one("aws:apigateway/domainName:DomainName");
        assert.deepStrictEqual(untagged(domain), {
            domainName: "api.dev.example.com",
            regionalCertificateArn: r.one("aws:acm/certificateValidation:CertificateValidation", "api-certificate-validation").state.certificateArn,
            endpointConfiguration: { types: "REGIONAL", ipAddressType: "dualstack" },
            securityPolicy: "TLS_1_2",
            mutualTlsAuthentication: { truststoreUri: `s3://${String(bucket.state.bucket)}/truststore.pem`, truststoreVersion: object.state.versionId },
        });
        assert.strictEqual(r.one("aws:apigateway/restApi:RestApi").inputs.disableExecuteApiEndpoint, true);
        assert.deepStrictEqual(r.one("aws:apigateway/basePathMapping:BasePathMapping").inputs, {
            domainName: "api.dev.example.com",
            restApi: r.one("aws:apigateway/restApi:RestApi").id,
            stageName: "v1",
            basePath: "v1",
        });
    });

    it("prod: the custom domain without mTLS, mapped at v1, the execute-api endpoint off", async () => {
        const r = await stack("prod");
        const domain = r.one("aws:apigateway/domainName:DomainName").inputs;
        assert.deepStrictEqual([domain.domainName, domain.securityPolicy, "mutualTlsAuthentication" in domain], ["api.example.com", "TLS_1_2", false]);
        assert.strictEqual(r.one("aws:apigateway/restApi:RestApi").inputs.disableExecuteApiEndpoint, true);
        assert.deepStrictEqual(r.one("aws:apigateway/basePathMapping:BasePathMapping").inputs, {
            domainName: "api.example.com",
            restApi: r.one("aws:apigateway/restApi:RestApi").id,
            stageName: "v1",
            basePath: "v1",
        });
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
    it("prod: every alarm notifies a topic in its own Region; the API's and the bus's notify the regional topic, which mails on-call", async () => {
        const r = await stack("prod");
        const topic = r.one("aws:sns/topic:Topic", "alarms-topic");
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const regional = alarms.filter((a) => /platform:(api:SecureApi|events:EventBus)::/.test(a.parent ?? ""));
        assert.deepStrictEqual(regional.map((a) => a.name).sort(), [
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
        for (const alarm of regional) {
            assert.deepStrictEqual([alarm.inputs.alarmActions, alarm.inputs.region], [[topic.state.arn], undefined], alarm.name);
        }
        // No alarm is left without an action: the regional ones above plus the CDN's below are all of them.
        assert.deepStrictEqual(
            alarms.filter((a) => !regional.includes(a)).map((a) => a.name),
            ["edge-5xx-rate"],
        );
        assert.strictEqual(r.one("aws:sns/topicSubscription:TopicSubscription", "alarms-platform-oncall-example-com").inputs.endpoint, "platform-oncall@example.com");
    });

    it("prod: the CDN's 5xx alarm (us-east-1) notifies a us-east-1 topic with its own us-east-1 key, which mails the same on-call address", async () => {
        const r = await stack("prod");
        const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "edge-5xx-rate");
        const topic = r.one("aws:sns/topic:Topic", "alarms-us-east-1-topic");
        const key = r.one("aws:kms/key:Key", "alarms-us-east-1-key");
        assert.deepStrictEqual(
            [alarm.inputs.region, alarm.inputs.alarmActions, alarm.inputs.okActions, alarm.inputs.actionsEnabled],
            ["us-east-1", [topic.state.arn], [topic.state.arn], true],
        );
        assert.match(String(topic.state.arn), /^arn:aws:sns:us-east-1:/);
        assert.deepStrictEqual([topic.inputs.region, topic.inputs.kmsMasterKeyId], ["us-east-1", key.state.arn]);
        assert.deepStrictEqual([key.inputs.region, key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays, key.protect], ["us-east-1", true, 30, true]);
        assert.deepStrictEqual(
            policyDocument(key.inputs.policy).Statement.map((s) => s.Principal),
            [{ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }, { Service: "cloudwatch.amazonaws.com" }],
        );
        const subscription = r.one("aws:sns/topicSubscription:TopicSubscription", "alarms-us-east-1-platform-oncall-example-com");
        assert.deepStrictEqual(subscription.inputs.region, "us-east-1");
        assert.deepStrictEqual([subscription.inputs.topic, subscription.inputs.endpoint], [topic.state.arn, "platform-oncall@example.com"]);
    });

    it("a stack in us-east-1 sends the CDN's alarm to its one alarm topic, no second topic", async () => {
        const r = await stack("prod", { "aws:region": "us-east-1" });
        assert.deepStrictEqual(
            r
                .ofType("aws:sns/topic:Topic")
                .filter((t) => t.name.startsWith("alarms"))
                .map((t) => t.name),
            ["alarms-topic"],
        );
        const topic = r.one("aws:sns/topic:Topic", "alarms-topic");
        assert.deepStrictEqual(r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "edge-5xx-rate").inputs.alarmActions, [topic.state.arn]);
    });

    it("dev (no CDN) has no us-east-1 alarm topic", async () => {
        const r = await stack("dev");
        assert.deepStrictEqual(
            r
                .ofType("aws:sns/topic:Topic")
                .filter((t) => t.name.startsWith("alarms"))
                .map((t) => t.name),
            ["alarms-topic"],
        );
    });
});
