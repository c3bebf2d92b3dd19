/**
 * The whole platform through the real stacks: the sync and async request paths are connected
 * end to end, trust boundaries hold, prod protects its data, and every stack passes the policy
 * pack under its own environment's enforcement levels.
 */
import * as assert from "assert";
import { CLOUDFRONT_MANAGED_POLICY_IDS, MOCK_ACCOUNT_ID, RecordedResource } from "../engine/mocks";
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
        // prod leaves apiCdnOnly off: partners call the API directly (with API keys), so no origin secret.
        assert.deepStrictEqual(apiOrigin, {
            originId: "api",
            domainName: "api.example.com",
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
        assert.ok(typeof publicZone === "string" && publicZone.length > 0, "the API's alias record names the public zone");
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
        assert.ok(regional.length >= 4);
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
