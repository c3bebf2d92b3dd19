/**
 * The whole platform through the real stacks: the sync and async request paths are connected
 * end to end, trust boundaries hold, prod protects its data, and every stack passes the policy
 * pack under its own environment's enforcement levels.
 */
import * as assert from "assert";
import { ACCESS_LOG_FORMAT } from "../components/secure-api";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../engine/mocks";
import { PROJECT_DIR, runStack } from "../engine/run-stack";
import { loadStackConfig } from "../engine/stack-config";
import { AlbRule, firstMatchingRule } from "../lib/alb-rules";
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
        assert.deepStrictEqual(ingressEdges(await stack("prod")), [
            "app-alb-sg -> app-catalog-sg:8080",
            "app-alb-sg -> app-fulfillment-sg:8080",
            "app-alb-sg -> app-orders-sg:8080",
            "app-catalog-sg -> cache-sg:6379",
            "app-client-sg -> app-alb-sg:443",
            "app-fulfillment-sg -> data-db:5432",
            "app-orders-sg -> cache-sg:6379",
            "app-orders-sg -> data-db:5432",
        ]);
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
            orders: { priority: 10, paths: ["/orders", "/orders/*"], min: 1, max: 4, backlog: false },
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

describe("platform (prod): asynchronous path client -> API -> bus -> rule -> queue -> consumer", () => {
    it("puts events from the API on the bus, and the rule delivers order-placed to the fulfillment queue", async () => {
        const r = await stack("prod");
        const bus = r.one("aws:cloudwatch/eventBus:EventBus");
        const role = r
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .find((p) => p.parent?.endsWith("platform:api:SecureApi::api") && String(p.inputs.policy).includes("events:PutEvents"));
        assert.ok(role, "the API's events role policy");
        assert.deepStrictEqual(
            policyDocument(role.inputs.policy).Statement.map((s) => [s.Action, s.Resource]),
            [[["events:PutEvents"], [bus.state.arn]]],
        );

        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "events-order-placed-rule-target");
        const queue = r.one("aws:sqs/queue:Queue", "events-order-placed");
        assert.strictEqual(target.inputs.arn, queue.state.arn);
        assert.strictEqual(target.inputs.eventBusName, bus.state.name);
    });

    it("grants the consumer exactly its queue and scales it on that queue's backlog", async () => {
        const r = await stack("prod");
        const queue = r.one("aws:sqs/queue:Queue", "events-order-placed");
        const taskPolicies = r.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("app-fulfillment"));
        const statements = taskPolicies.flatMap((p) => policyDocument(p.inputs.policy).Statement);
        const sqs = statements.filter((s) => (s.Action as string[]).some((a) => a.startsWith("sqs:")));
        assert.deepStrictEqual(
            sqs.map((s) => s.Resource),
            [[queue.state.arn]],
        );
        const backlog = r
            .ofType("aws:appautoscaling/policy:Policy")
            .filter((p) => p.name.startsWith("app-fulfillment") && JSON.stringify(p.inputs).includes("ApproximateNumberOfMessagesVisible"));
        assert.strictEqual(backlog.length, 1);
        assert.ok(JSON.stringify(backlog[0].inputs).includes(String(queue.state.name)));
        assert.ok(JSON.stringify(backlog[0].inputs).includes('"targetValue":50'), "backlogPerTask 50 from Pulumi.prod.yaml");
    });
});

describe("platform: private DNS with failover-tuned TTLs", () => {
    for (const name of ["dev", "prod"] as const) {
        it(`${name}: database and cache writers 5 s, readers 30 s, ALB aliases without TTL`, async () => {
            const r = await stack(name);
            const zone = name === "prod" ? "internal.example.com" : "internal.dev.example.com";
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

    it("services get the private names, and the real endpoint only as the TLS server name", async () => {
        const r = await stack("prod");
        const task = r.one("aws:ecs/taskDefinition:TaskDefinition", "app-orders-task");
        const env = Object.fromEntries(containerEnvironment(task).map((e) => [e.name, e.value]));
        assert.strictEqual(env.DB_HOST, "db.internal.example.com");
        assert.strictEqual(env.CACHE_HOST, "cache.internal.example.com");
        assert.strictEqual(env.DB_TLS_SERVER_NAME, r.one("aws:rds/cluster:Cluster").state.endpoint);
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
        ];
        assert.strictEqual(r.ofType("aws:rds/clusterInstance:ClusterInstance").length, 3);
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
    const events = 'POST /events/{detailType}: COGNITO_USER_POOLS ["api/events.write"] key=false method.request.path.detailType';

    it("prod: every route, its authorization, scopes and API key; only the partners' fulfillment API requires a key", async () => {
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

    it("dev: every route, its authorization and scopes; no usage plan, no API key anywhere", async () => {
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
        assert.deepStrictEqual(mine(await stack("dev"), "aws:apigateway/usagePlan:UsagePlan"), []);
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

    it("prod: one client-credentials client per partner with the fulfillment scope only; dev: only the user client", async () => {
        const clients = (r: Recorded) =>
            mine(r, "aws:cognito/userPoolClient:UserPoolClient")
                .map((c) => [c.name, c.inputs.allowedOauthFlows, c.inputs.generateSecret, c.inputs.allowedOauthScopes])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepStrictEqual(clients(await stack("prod")), [
            ["api-client-acme", ["client_credentials"], true, ["api/fulfillment.read"]],
            ["api-client-globex", ["client_credentials"], true, ["api/fulfillment.read"]],
        ]);
        assert.deepStrictEqual(clients(await stack("dev")), [
            ["api-user-client", ["code"], false, ["openid", "email", "api/catalog.read", "api/events.write", "api/orders.read", "api/orders.write"]],
        ]);
    });

    it("prod: the partners usage plan on the stage, with throttling and quota, and one generated key per partner", async () => {
        const r = await stack("prod");
        const api = r.one("aws:apigateway/restApi:RestApi");
        const plan = r.one("aws:apigateway/usagePlan:UsagePlan");
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
            ],
        );
        assert.deepStrictEqual(
            r
                .ofType("aws:apigateway/usagePlanKey:UsagePlanKey")
                .map((k) => [k.inputs.keyId, k.inputs.usagePlanId])
                .sort(),
            keys.map((k) => [k.id, plan.id]).sort(),
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
    it("prod: the API's and the bus's alarms notify the alarm topic, which mails on-call", async () => {
        const r = await stack("prod");
        const topic = r.one("aws:sns/topic:Topic", "alarms-topic");
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => /platform:(api:SecureApi|events:EventBus)::/.test(a.parent ?? ""));
        assert.ok(alarms.length >= 4);
        for (const alarm of alarms) {
            assert.deepStrictEqual(alarm.inputs.alarmActions, [topic.state.arn], alarm.name);
        }
        assert.strictEqual(r.one("aws:sns/topicSubscription:TopicSubscription", "alarms-platform-oncall-example-com").inputs.endpoint, "platform-oncall@example.com");
    });
});
