import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ValidationError, resolvePlatformConfig } from "../config";
import { show } from "../config/problems";
import { runStack } from "../engine/run-stack";
import { CONTEXT, VALID_SERVICE, VALID_SUBSCRIPTION, validRaw } from "./support/config-fixture";

function problemsOf(overrides: Record<string, unknown>, context = CONTEXT): string[] {
    try {
        resolvePlatformConfig(validRaw(overrides), context);
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
        return err.problems.map((p) => `${p.key} = ${p.value}: ${p.allowed}. Fix: ${p.fix}`);
    }
    return [];
}

const svc = (patch: Record<string, unknown>) => [{ ...VALID_SERVICE, ...patch }];
const ELEVEN_ALIASES = Array.from({ length: 11 }, (_, i) => `h${i}.example.com`);
const LONG_CSP = `default-src 'self'; img-src ${"x".repeat(1784 - "default-src 'self'; img-src ".length)}`;

/** Each case: a config mutation and the exact text one reported problem must contain (key and value first). */
const INVALID: [title: string, overrides: Record<string, unknown>, expected: string][] = [
    ["unknown environment", { environment: "qa" }, 'platform:environment = "qa": must be one of dev, staging, prod'],
    ["missing environment", { environment: undefined }, "platform:environment = (not set): required; one of dev, staging, prod"],
    // The value of an unknown key is not echoed: a misspelt key may hold a (decrypted) secret.
    [
        "unknown key (typo)",
        { vpcCidrr: "10.0.0.0/16" },
        "platform:vpcCidrr = (value not shown): unknown key (did you mean platform:vpcCidr?); known keys are listed in Pulumi.yaml. Fix: rename it to platform:vpcCidr, or remove it",
    ],
    [
        "unknown key (typo with a transposition)",
        { cahceEnabled: false },
        "platform:cahceEnabled = (value not shown): unknown key (did you mean platform:cacheEnabled?); known keys are listed in Pulumi.yaml. Fix: rename it to platform:cacheEnabled, or remove it",
    ],
    [
        "private zone named like the public zone",
        { privateZoneName: "example.com" },
        'platform:privateZoneName = "example.com": must differ from platform:publicZoneName: a private zone of the same name shadows the public zone inside the VPC, so tasks could not resolve the API and CDN names. Fix: use a name of its own, e.g. platform.internal or internal.example.com',
    ],
    [
        "unknown key like no known one",
        { clusterFlavour: "large" },
        "platform:clusterFlavour = (value not shown): unknown key; known keys are listed in Pulumi.yaml. Fix: remove platform:clusterFlavour or correct its spelling",
    ],
    ["malformed CIDR", { vpcCidr: "10.0.0.300/16" }, 'platform:vpcCidr = "10.0.0.300/16": must be an IPv4 network in CIDR notation'],
    ["CIDR with host bits", { vpcCidr: "10.0.0.1/16" }, 'platform:vpcCidr = "10.0.0.1/16": must be an IPv4 network in CIDR notation with no host bits set'],
    ["VPC prefix too small", { vpcCidr: "10.0.0.0/8" }, 'platform:vpcCidr = "10.0.0.0/8": prefix length must be /16 to /24'],
    [
        "overlapping CIDRs",
        { vpcCidr: "10.20.0.0/16", reservedCidrs: ["10.20.128.0/17"] },
        'platform:vpcCidr = "10.20.0.0/16": must not overlap reserved CIDR 10.20.128.0/17 (platform:reservedCidrs[0])',
    ],
    [
        "subnets do not fit",
        { vpcCidr: "10.0.0.0/22", availabilityZoneCount: 3, publicSubnetMask: 24, privateSubnetMask: 24, isolatedSubnetMask: 24 },
        'platform:vpcCidr = "10.0.0.0/22": too small: 3 AZs x (public /24 + private /24 + isolated /24) need 2304 addresses, the VPC has 1024',
    ],
    ["fewer than 2 AZs", { availabilityZoneCount: 1 }, "platform:availabilityZoneCount = 1: must be 2-6"],
    ["AZ count not an integer", { availabilityZoneCount: "two" }, 'platform:availabilityZoneCount = "two": must be an integer'],
    ["unknown NAT strategy", { natStrategy: "PerSubnet" }, 'platform:natStrategy = "PerSubnet": must be one of None, Single, OnePerAz'],
    ["no NAT with services", { natStrategy: "None", requireMultiAz: false }, 'platform:natStrategy = "None": must be Single or OnePerAz when services are defined'],
    ["single NAT when Multi-AZ is required", { natStrategy: "Single" }, 'platform:natStrategy = "Single": must be OnePerAz when platform:requireMultiAz is true'],
    ["alarm e-mail malformed", { alarmEmails: ["oncall.example.com"] }, 'platform:alarmEmails[0] = "oncall.example.com": must be an e-mail address'],
    ["log retention not allowed by CloudWatch", { logRetentionDays: 42 }, "platform:logRetentionDays = 42: must be a CloudWatch Logs retention value"],
    ["service name not DNS-safe", { services: svc({ name: "Orders_API" }) }, 'platform:services[0].name = "Orders_API": must be DNS-safe'],
    [
        "duplicated service names",
        { services: [VALID_SERVICE, { ...VALID_SERVICE, priority: 20 }] },
        'platform:services[1].name = "orders": service names must be unique: already used by platform:services[0]. Fix: rename one of the services',
    ],
    [
        "no service at all",
        { services: [] },
        "platform:services = []: must list at least one service: the internal ALB and the API route requests to services. Fix: add a service entry (name, image, hostPatterns or pathPatterns; see Pulumi.dev.yaml)",
    ],
    [
        "too many AZs",
        { availabilityZoneCount: 9 },
        "platform:availabilityZoneCount = 9: must be 2-6: an ALB and a DB subnet group need subnets in at least 2 Availability Zones. Fix: set platform:availabilityZoneCount to a value from 2 to 6 (3 for prod)",
    ],
    [
        "target group name over 32 characters",
        { services: svc({ name: "order-processing-service" }) },
        'platform:services[0].name = "order-processing-service": must be DNS-safe: 1-20',
    ],
    [
        "target group autoname over 32 characters",
        { services: svc({ name: "order-processing-svc1" }), eventSubscriptions: [] },
        'platform:services[0].name = "order-processing-svc1": gives target group "app-order-processing-svc1", which autonaming extends to 33 characters; target group names are limited to 32',
    ],
    [
        "more than 5 path/host values in one rule",
        { services: svc({ hostPatterns: ["a.example.com", "b.example.com"], pathPatterns: ["/a", "/b", "/c", "/d"] }) },
        "has 6 host/path values; an ALB rule allows at most 5 condition values in total",
    ],
    ["no host or path pattern", { services: svc({ hostPatterns: [], pathPatterns: [] }) }, 'platform:services[0] = "orders": needs at least one of hostPatterns or pathPatterns'],
    [
        "duplicate listener priorities",
        { services: [VALID_SERVICE, { ...VALID_SERVICE, name: "catalog", api: { basePath: "catalog", scopes: ["catalog.read"] } }] },
        "platform:services[1].priority = 10: listener rule priorities must be unique: already used by platform:services[0] (orders). Fix: give each service its own priority; leave gaps (10, 20, 30) for later services",
    ],
    ["priority out of range", { services: svc({ priority: 50001 }) }, "platform:services[0].priority = 50001: must be 1-50000"],
    ["min > max scaling", { services: svc({ minCount: 5, maxCount: 3 }) }, "platform:services[0].minCount = 5: must not exceed maxCount (3)"],
    ["min below 2 when Multi-AZ is required", { services: svc({ minCount: 1 }) }, "platform:services[0].minCount = 1: must be >= 2 when platform:requireMultiAz is true"],
    [
        "cpu/memory not a Fargate pair",
        { services: svc({ cpu: 256, memory: 4096 }) },
        "platform:services[0].memory = 4096: is not a valid Fargate pair with cpu 256; allowed: 512-2048 MiB (512, 1024, 2048)",
    ],
    ["cpu not a Fargate size", { services: svc({ cpu: 300 }) }, "platform:services[0].cpu = 300: must be a Fargate CPU value"],
    ["unknown service field", { services: svc({ replicas: 3 }) }, "platform:services[0].replicas = 3: unknown field"],
    [
        "secret-looking environment variable",
        { services: svc({ environment: { DB_PASSWORD: "hunter2" } }) },
        'platform:services[0].environment.DB_PASSWORD = "DB_PASSWORD": looks like a secret',
    ],
    ["API rate above the account limit", { apiRateLimit: 12000 }, "platform:apiRateLimit = 12000: must be 1-10000 rps: API Gateway's account limit is 10000 rps per Region"],
    ["API burst above the account limit", { apiBurstLimit: 6000 }, "platform:apiBurstLimit = 6000: must be 1-5000"],
    [
        "route rate above the stage limit",
        { apiRateLimit: 100, services: svc({ api: { basePath: "orders", scopes: ["orders.read"], rateLimit: 500 } }) },
        "platform:services[0].api.rateLimit = 500: must not exceed the stage limit platform:apiRateLimit (100)",
    ],
    [
        "exposed service without scopes",
        { services: svc({ api: { basePath: "orders", scopes: [] } }) },
        "platform:services[0].api.scopes = []: an exposed service needs at least one OAuth scope",
    ],
    [
        "exposed service with only public paths",
        { services: svc({ api: { basePath: "orders", scopes: [], publicPaths: ["health"] } }) },
        "platform:services[0].api.scopes = []: an exposed service needs at least one OAuth scope",
    ],
    ["data kind not sql|nosql", { dataKind: "graph" }, 'platform:dataKind = "graph": must be one of sql, nosql'],
    ["Aurora min ACU > max", { auroraMinCapacity: "16", auroraMaxCapacity: "8" }, "platform:auroraMinCapacity = 16: must not exceed platform:auroraMaxCapacity (8)"],
    ["Aurora ACU out of range", { auroraMaxCapacity: "300" }, "platform:auroraMaxCapacity = 300: must be 1-256 ACUs in steps of 0.5"],
    ["Aurora ACU not a decimal number", { auroraMinCapacity: "0x2" }, 'platform:auroraMinCapacity = "0x2": must be a number'],
    ["Aurora ACU not in steps of 0.5", { auroraMinCapacity: "0.7" }, "platform:auroraMinCapacity = 0.7: must be 0.5-256 ACUs in steps of 0.5"],
    ["Aurora single instance when Multi-AZ is required", { auroraInstanceCount: 1 }, "platform:auroraInstanceCount = 1: must be >= 2 when platform:requireMultiAz is true"],
    ["Aurora backup retention out of range", { auroraBackupRetentionDays: 40 }, "platform:auroraBackupRetentionDays = 40: must be between 1 and 35"],
    [
        "Performance Insights retention not allowed",
        { auroraPerformanceInsightsRetentionDays: 30 },
        "platform:auroraPerformanceInsightsRetentionDays = 30: must be 7, a multiple of 31 from 31 to 713, or 731",
    ],
    [
        "Performance Insights retention 744 (not 731)",
        { auroraPerformanceInsightsRetentionDays: 744 },
        "platform:auroraPerformanceInsightsRetentionDays = 744: must be 7, a multiple of 31 from 31 to 713, or 731",
    ],
    ["nosql without tables", { dataKind: "nosql" }, "platform:dynamoTables = []: at least one table is required when platform:dataKind is nosql"],
    [
        "provisioned table without capacity",
        { dataKind: "nosql", dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" }, billingMode: "PROVISIONED" }] },
        "platform:dynamoTables[0].readCapacity = {}: PROVISIONED tables need readCapacity and writeCapacity >= 1",
    ],
    ["cache nodes < 2 with Multi-AZ", { cacheNodeCount: 1 }, "platform:cacheNodeCount = 1: must be >= 2 when platform:cacheMultiAz is true"],
    ["cache not Multi-AZ when required", { cacheMultiAz: false }, "platform:cacheMultiAz = false: must be true when platform:requireMultiAz is true"],
    ["unknown cache engine", { cacheEngine: "memcached" }, 'platform:cacheEngine = "memcached": must be one of valkey, redis'],
    ["DB writer TTL out of range", { dbWriterDnsTtl: 300 }, "platform:dbWriterDnsTtl = 300: must be between 1 and 30 seconds: the writer endpoint moves on failover"],
    ["cache reader TTL out of range", { cacheReaderDnsTtl: 0 }, "platform:cacheReaderDnsTtl = 0: must be between 1 and 300"],
    [
        "DLQ retention not above the queue's",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, retentionSeconds: 1209600, dlqRetentionSeconds: 1209600 }] },
        "platform:eventSubscriptions[0].dlqRetentionSeconds = 1209600: must exceed retentionSeconds (1209600)",
    ],
    [
        "subscription consumer is not a service",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, consumer: "billing" }] },
        'platform:eventSubscriptions[0].consumer = "billing": must name a service in platform:services (orders)',
    ],
    [
        "EventBridge retry attempts above 185",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, maxRetryAttempts: 200 }] },
        "platform:eventSubscriptions[0].maxRetryAttempts = 200: must be 0-185",
    ],
    [
        "a consumer on two queues",
        { services: [VALID_SERVICE], eventSubscriptions: [VALID_SUBSCRIPTION, { ...VALID_SUBSCRIPTION, name: "order-paid" }] },
        'platform:eventSubscriptions = "orders": a service scales on the backlog of one queue',
    ],
    [
        "subscription source nothing puts on the bus",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, sources: ["platform.payments"] }] },
        'platform:eventSubscriptions[0].sources[0] = "platform.payments": subscription "order-placed" matches source "platform.payments", which nothing puts on the bus, so its queue would stay empty (sources with a producer: platform.api (the API\'s async route)). Fix: add "platform.payments" to publishes of the service that emits these events, or correct the source',
    ],
    [
        "subscription on the API's source while the async route is off",
        { apiAsyncEventsEnabled: false },
        'platform:eventSubscriptions[0].sources[0] = "platform.api": subscription "order-placed" matches source "platform.api", which nothing puts on the bus, so its queue would stay empty (sources with a producer: none). Fix: enable platform:apiAsyncEventsEnabled, or correct the source',
    ],
    [
        "async route whose events no subscription matches",
        { services: svc({ publishes: ["platform.orders"] }), eventSubscriptions: [{ ...VALID_SUBSCRIPTION, sources: ["platform.orders"] }] },
        'platform:apiAsyncEventsEnabled = true: events posted to POST /events/{detailType} have source "platform.api", which no subscription matches: they would be accepted (202) and only archived. Fix: add a subscription with sources: [platform.api], or set platform:apiAsyncEventsEnabled to false',
    ],
    [
        "service publishing a source no subscription matches",
        { services: svc({ publishes: ["platform.refunds"] }) },
        'platform:services[0].publishes[0] = "platform.refunds": no subscription matches source "platform.refunds": orders\'s events would only be archived. Fix: add a subscription for "platform.refunds", or remove it from publishes',
    ],
    ["service publishing as the API", { services: svc({ publishes: ["platform.api"] }) }, 'platform:services[0].publishes[0] = "platform.api": is the API\'s own source'],
    ["service publishing an AWS source", { services: svc({ publishes: ["aws.s3"] }) }, 'platform:services[0].publishes[0] = "aws.s3": must be an event source'],
    [
        "service publishing while events are off",
        { eventsEnabled: false, eventSubscriptions: [], apiAsyncEventsEnabled: false, services: svc({ publishes: ["platform.orders"], publishesNotifications: false }) },
        'platform:services[0].publishes = ["platform.orders"]: applies only when platform:eventsEnabled is true',
    ],
    [
        "notifications topic without a publisher",
        { services: svc({ publishesNotifications: false }) },
        "platform:notificationsEnabled = true: the SNS fan-out topic would have no publisher: no service sets publishesNotifications, and the topic grants nobody else",
    ],
    [
        "notifications topic with only FIFO subscriptions",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, fifo: true }] },
        "platform:notificationsEnabled = true: the SNS fan-out topic would deliver to no queue",
    ],
    [
        "notification publisher without a topic",
        { notificationsEnabled: false },
        "platform:services[0].publishesNotifications = true: applies only when platform:eventsEnabled and platform:notificationsEnabled are true",
    ],
    [
        "API host not covered by the ALB certificate",
        { services: svc({ hostPatterns: ["orders.example.net"] }) },
        'platform:services[0].hostPatterns = ["orders.example.net"]: the API reaches this service at orders.example.net, which the ALB certificate *.internal.example.com does not cover',
    ],
    [
        "mTLS without a custom domain",
        { apiDomainName: undefined, cdnEnabled: false, apiMtlsTruststoreFile: "certs/truststore.pem" },
        'platform:apiMtlsTruststoreFile = "certs/truststore.pem": mTLS requires a Regional custom domain',
    ],
    [
        "mTLS truststore file missing",
        { cdnEnabled: false, apiMtlsTruststoreFile: "certs/missing.pem" },
        'platform:apiMtlsTruststoreFile = "certs/missing.pem": must name a PEM file in the repository',
    ],
    [
        "mTLS behind the CDN",
        { apiMtlsTruststoreFile: "certs/truststore.pem" },
        'platform:apiMtlsTruststoreFile = "certs/truststore.pem": cannot be combined with platform:cdnEnabled = true',
    ],
    [
        "API domain outside the public zone",
        { apiDomainName: "api.example.org" },
        'platform:apiDomainName = "api.example.org": must be a domain name in the public zone example.com',
    ],
    ["stage cache size not allowed", { apiCacheSizeGb: "2" }, 'platform:apiCacheSizeGb = "2": must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237 (GB)'],
    [
        "CDN alias outside the zone",
        { cdnAliases: ["www.example.org"] },
        'platform:cdnAliases[0] = "www.example.org": must be within the public zone example.com (its certificate is DNS-validated and its alias records are created there)',
    ],
    [
        "CDN enabled without an alias",
        { cdnAliases: [] },
        "platform:cdnAliases = []: must list at least one alternate domain name (the distribution is served on it with the us-east-1 certificate)",
    ],
    [
        "duplicate CDN aliases",
        { cdnAliases: ["www.example.com", "www.example.com"] },
        'platform:cdnAliases[1] = "www.example.com": must be unique (CloudFront rejects duplicate alternate domain names)',
    ],
    [
        "more CDN names than one ACM certificate holds",
        { cdnAliases: ELEVEN_ALIASES },
        `platform:cdnAliases = ${show(ELEVEN_ALIASES)}: need 11 names on one ACM certificate; ACM allows 10 by default`,
    ],
    [
        "CDN alias equal to the API's custom domain",
        { cdnAliases: ["api.example.com"] },
        'platform:cdnAliases[0] = "api.example.com": must differ from the API\'s custom domain platform:apiDomainName (api.example.com)',
    ],
    [
        "CDN content security policy longer than CloudFront accepts",
        { cdnContentSecurityPolicy: LONG_CSP },
        `platform:cdnContentSecurityPolicy = "${LONG_CSP}": must be a non-empty single-line header value of at most 1783 characters (CloudFront limit)`,
    ],
    [
        "CDN geo code not an assigned ISO 3166-1 code",
        { cdnGeoRestrictionType: "blacklist", cdnGeoRestrictionLocations: ["RU", "XX"] },
        'platform:cdnGeoRestrictionLocations[1] = "XX": must be an ISO 3166-1 alpha-2 country code (two capital letters, officially assigned)',
    ],
    [
        "CDN geo locations without a restriction type",
        { cdnGeoRestrictionLocations: ["DE"] },
        'platform:cdnGeoRestrictionLocations = ["DE"]: must be empty when platform:cdnGeoRestrictionType is none',
    ],
    [
        "CDN geo restriction type unknown",
        { cdnGeoRestrictionType: "allowlist", cdnGeoRestrictionLocations: ["DE"] },
        'platform:cdnGeoRestrictionType = "allowlist": must be one of none, whitelist, blacklist',
    ],
    ["CDN API cache TTL above an hour", { cdnApiCacheTtlSeconds: 4000 }, "platform:cdnApiCacheTtlSeconds = 4000: must be an integer from 0 (caching disabled) to 3600 seconds"],
    [
        "CDN cached API path outside the API's path",
        { cdnApiCachePaths: [{ pathPattern: "/catalog/*", ttlSeconds: 60 }] },
        'platform:cdnApiCachePaths[0].pathPattern = "/catalog/*": must be a CloudFront path pattern (path characters, * and ?, at most 255) below the API\'s /v1/*, other than /v1/* itself',
    ],
    [
        "CDN cached API path with a TTL above an hour",
        { cdnApiCachePaths: [{ pathPattern: "/v1/catalog/*", ttlSeconds: 7200 }] },
        "platform:cdnApiCachePaths[0].ttlSeconds = 7200: must be an integer from 0 (caching disabled) to 3600 seconds",
    ],
    ["CDN cached API path without a TTL", { cdnApiCachePaths: [{ pathPattern: "/v1/catalog/*" }] }, "platform:cdnApiCachePaths[0].ttlSeconds = (not set): an integer is required"],
    [
        "CDN cached API path with an unknown field",
        { cdnApiCachePaths: [{ pathPattern: "/v1/catalog/*", ttlSeconds: 60, ttl: 60 }] },
        "platform:cdnApiCachePaths[0].ttl = 60: unknown field",
    ],
    [
        "CDN WAF rate below WAF's minimum",
        { cdnWafRateLimit: 5 },
        "platform:cdnWafRateLimit = 5: must be an integer from 10 to 2,000,000 requests per client IP per evaluation window",
    ],
    ["CDN price class not allowed", { cdnPriceClass: "PriceClass_50" }, 'platform:cdnPriceClass = "PriceClass_50": must be one of PriceClass_100, PriceClass_200, PriceClass_All'],
    [
        "CDN minimum TLS below 1.2",
        { cdnMinimumProtocolVersion: "TLSv1_2016" },
        'platform:cdnMinimumProtocolVersion = "TLSv1_2016": is older than TLSv1.2_2021 (it accepts TLS 1.0/1.1 or obsolete TLS 1.2 ciphers); allowed: TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025',
    ],
    ["CDN-only API without a CDN", { cdnEnabled: false, apiCdnOnly: true }, "platform:apiCdnOnly = true: requires platform:cdnEnabled = true"],
    [
        "API base path without a custom domain (it would be ignored)",
        { apiDomainName: undefined, cdnEnabled: false, apiBasePath: "v2" },
        'platform:apiBasePath = "v2": is the base path mapping on the API\'s custom domain, and platform:apiDomainName is not set',
    ],
    [
        "Cognito domain prefix with a reserved word",
        { apiAuthDomainPrefix: "shop-cognito-login" },
        'platform:apiAuthDomainPrefix = "shop-cognito-login": must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen, and must not contain aws, amazon or cognito (Cognito domain prefix); it must also be unique in the Region across all AWS customers',
    ],
    [
        "Cognito domain prefix ending with a hyphen",
        { apiAuthDomainPrefix: "shop-login-" },
        'platform:apiAuthDomainPrefix = "shop-login-": must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
    ],
    ["Cognito domain prefix over 63 characters", { apiAuthDomainPrefix: "a".repeat(64) }, `platform:apiAuthDomainPrefix = "${"a".repeat(64)}": must be 1-63 lowercase letters`],
    [
        "usage plan covering a service the API does not expose",
        { apiUsagePlans: [{ name: "partners", consumers: ["acme"], services: ["billing"], rateLimit: 10, burstLimit: 5 }] },
        'platform:apiUsagePlans[0].services[0] = "billing": must name a service exposed through the API (a platform:services entry with an api mapping: orders)',
    ],
    [
        "usage plan that covers nothing (it would meter nothing)",
        { apiUsagePlans: [{ name: "partners", consumers: ["acme"], rateLimit: 10, burstLimit: 5 }] },
        "platform:apiUsagePlans[0].services = []: a plan must cover at least one exposed service or the async route (asyncEvents: true)",
    ],
    [
        "usage plan covering a disabled async route",
        { apiAsyncEventsEnabled: false, apiUsagePlans: [{ name: "partners", consumers: ["acme"], asyncEvents: true, rateLimit: 10, burstLimit: 5 }] },
        "platform:apiUsagePlans[0].asyncEvents = true: covers the async route, which platform:apiAsyncEventsEnabled = false removes",
    ],
    [
        "usage plan client scope the API does not define",
        { apiUsagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], scopes: ["orders.admin"], rateLimit: 10, burstLimit: 5 }] },
        'platform:apiUsagePlans[0].scopes[0] = "orders.admin": must be a scope of the API (events.write, orders.read)',
    ],
    [
        "usage plan consumer in two plans",
        {
            apiUsagePlans: [
                { name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                { name: "resellers", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
            ],
        },
        'platform:apiUsagePlans = "acme": a consumer may belong to one usage plan only: API Gateway allows one key per consumer per stage',
    ],
    [
        "usage plan field misspelt",
        { apiUsagePlans: [{ name: "partners", consumers: ["acme"], service: ["orders"], rateLimit: 10, burstLimit: 5 }] },
        'platform:apiUsagePlans[0].service = ["orders"]: unknown field',
    ],
    [
        "mTLS truststore block that is not a certificate",
        { apiDomainName: "api.example.com", cdnEnabled: false, apiMtlsTruststoreFile: "certs/truststore.pem" },
        'platform:apiMtlsTruststoreFile = "certs/truststore.pem": the truststore certificate 1 of 1 is not a valid X.509 certificate',
    ],
    ["public zone not a domain", { publicZoneName: "Example..com" }, 'platform:publicZoneName = "Example..com": must be a lowercase DNS domain'],
    // Values a component would reject later are reported here, under the config key (the components' own rules).
    [
        "cache engine version no parameter group family supports",
        { cacheEngineVersion: "9.9" },
        'platform:cacheEngineVersion = "9.9": must be a supported valkey version (7.2, 8.0, 8.1, 8.2; parameter group families valkey7, valkey8). Fix: set platform:cacheEngineVersion to 8.2',
    ],
    ["data-tiering cache node type", { cacheNodeType: "cache.r6gd.xlarge" }, 'platform:cacheNodeType = "cache.r6gd.xlarge": must not be a data-tiering (r6gd) node type'],
    ["Aurora major before 13", { auroraEngineVersion: "12" }, 'platform:auroraEngineVersion = "12": must be Aurora PostgreSQL 13 or later'],
    [
        "detail filter leaf that is not a list",
        { eventSubscriptions: [{ ...VALID_SUBSCRIPTION, detailFilter: { status: "PAID" } }] },
        'platform:eventSubscriptions[0].detailFilter.status = "PAID": an EventBridge pattern leaf must be an array of match values (a bare value never matches). Fix: wrap it in an array, e.g. platform:eventSubscriptions[0].detailFilter.status = ["PAID"]',
    ],
    [
        "Aurora 0 ACUs (auto-pause is not configured)",
        { auroraMinCapacity: "0" },
        "platform:auroraMinCapacity = 0: must be 0.5-256 ACUs in steps of 0.5 (0 would mean auto-pause, which the platform does not configure). Fix: set platform:auroraMinCapacity to e.g. 0.5, 1, 2 ... 256",
    ],
    [
        "DynamoDB attribute with two types",
        {
            dataKind: "nosql",
            dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" }, globalSecondaryIndexes: [{ name: "by-pk", partitionKey: { name: "pk", type: "N" } }] }],
        },
        'platform:dynamoTables[0].globalSecondaryIndexes[0].partitionKey.type = "N": must match the type of attribute "pk" at platform:dynamoTables[0].partitionKey (S)',
    ],
    [
        "DynamoDB sort key equal to the partition key",
        { dataKind: "nosql", dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" }, sortKey: { name: "pk", type: "S" } }] },
        'platform:dynamoTables[0].sortKey.name = "pk": must differ from the partition key',
    ],
    [
        "service named like a private DNS record",
        { services: svc({ name: "cache" }) },
        'platform:services[0].name = "cache": must not be one of the private zone\'s own names (db, db-ro, cache, cache-ro, alb)',
    ],
    ["private zone of one label", { privateZoneName: "internal" }, 'platform:privateZoneName = "internal": must be a lowercase DNS domain such as platform.internal'],
    // Settings of a feature that is off are reported, not dropped.
    ["usesCache without a cache", { cacheEnabled: false, services: svc({ usesCache: true }) }, "platform:services[0].usesCache = true: requires platform:cacheEnabled = true"],
    [
        "DynamoDB tables with dataKind sql",
        { dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" } }] },
        'platform:dynamoTables = [{"name":"orders","partitionKey":{"name":"pk","type":"S"}}]: applies only when platform:dataKind is nosql. Fix: remove platform:dynamoTables, or set platform:dataKind to nosql',
    ],
    [
        "Aurora settings with dataKind nosql",
        { dataKind: "nosql", dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" } }], auroraInstanceCount: 3 },
        "platform:auroraInstanceCount = 3: applies only when platform:dataKind is sql (DynamoDB has no cluster and no database DNS record). Fix: remove platform:auroraInstanceCount, or set platform:dataKind to sql",
    ],
    [
        "database DNS TTL with dataKind nosql",
        { dataKind: "nosql", dynamoTables: [{ name: "orders", partitionKey: { name: "pk", type: "S" } }], dbWriterDnsTtl: 10 },
        "platform:dbWriterDnsTtl = 10: applies only when platform:dataKind is sql",
    ],
    [
        "ACUs with a provisioned instance class",
        { auroraInstanceClass: "db.r7g.large", auroraMaxCapacity: "16" },
        "platform:auroraMaxCapacity = 16: applies only when platform:auroraInstanceClass is db.serverless (it is db.r7g.large). Fix: remove platform:auroraMaxCapacity, or use db.serverless",
    ],
    [
        "cache settings with the cache off",
        { cacheEnabled: false, cacheNodeCount: 3 },
        "platform:cacheNodeCount = 3: applies only when platform:cacheEnabled is true. Fix: remove platform:cacheNodeCount, or set platform:cacheEnabled to true",
    ],
    [
        "notifications with events off",
        { eventsEnabled: false, eventSubscriptions: [], apiAsyncEventsEnabled: false, notificationsEnabled: true, services: svc({ publishesNotifications: false }) },
        "platform:notificationsEnabled = true: applies only when platform:eventsEnabled is true",
    ],
    ["boolean that is not a boolean", { cacheEnabled: "yes" }, 'platform:cacheEnabled = "yes": must be true or false'],
    ["structured key that is not a list", { services: "orders" }, 'platform:services = "orders": must be a YAML list of objects'],
];

describe("config: validation", () => {
    it("accepts the baseline config", () => {
        assert.deepStrictEqual(problemsOf({}), []);
    });

    it(`rejects ${INVALID.length} distinct invalid configs, each naming the key and value`, () => {
        assert.ok(INVALID.length >= 25);
    });

    for (const [title, overrides, expected] of INVALID) {
        it(`rejects: ${title}`, () => {
            const problems = problemsOf(overrides);
            assert.ok(
                problems.some((p) => p.includes(expected)),
                `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ") || "(none)"}`,
            );
            for (const p of problems) {
                assert.match(p, /^(platform:|aws:|project name|component name)\S* = .+: .+\. Fix: .+/, `problem must name key, value, rule and fix: ${p}`);
            }
        });
    }

    it("reports every problem at once, in one error", () => {
        let error: unknown;
        try {
            resolvePlatformConfig(validRaw({ vpcCidr: "bad", availabilityZoneCount: 1, apiRateLimit: 20000, dataKind: "graph" }), CONTEXT);
        } catch (err) {
            error = err;
        }
        assert.ok(error instanceof ValidationError);
        assert.deepStrictEqual(
            error.problems.map((p) => p.key),
            ["platform:vpcCidr", "platform:availabilityZoneCount", "platform:dataKind", "platform:apiRateLimit"],
        );
        assert.match(error.message, /^Invalid configuration for stack environment "prod": 4 problems found:\n {2}1\. platform:vpcCidr = "bad"/);
    });

    it("counts a value equal to the key's declared default as unset (Pulumi passes Pulumi.yaml's defaults for unset keys)", () => {
        assert.deepStrictEqual(problemsOf({ cacheEnabled: false, cacheEngine: "valkey", cachePrimaryDnsTtl: 5, dynamoTables: [] }), []);
    });

    it("reports every setting of a disabled feature, each under its own key", () => {
        const keys = problemsOf({ cacheEnabled: false, cacheNodeCount: 3, cacheNodeType: "cache.r7g.large", cacheSnapshotRetentionDays: 7 }).map((p) => p.split(" = ")[0]);
        assert.deepStrictEqual(keys, ["platform:cacheNodeType", "platform:cacheNodeCount", "platform:cacheSnapshotRetentionDays"]);
    });

    it("prod's profile values for protection, backups and cache size are floors an explicit setting cannot lower", () => {
        assert.deepStrictEqual(
            problemsOf({ protectStatefulResources: false, deletionProtection: false, auroraBackupRetentionDays: 1, cacheNodeCount: 2, cacheSnapshotRetentionDays: 0 }),
            [
                "platform:protectStatefulResources = false: must be true in prod. Fix: remove platform:protectStatefulResources (prod's profile turns it on); unprotect a resource for a planned deletion with `pulumi state unprotect`",
                "platform:deletionProtection = false: must be true in prod. Fix: remove platform:deletionProtection (prod's profile turns it on)",
                "platform:auroraBackupRetentionDays = 1: must be >= 7 days in prod. Fix: set platform:auroraBackupRetentionDays to 7-35 (prod's profile: 14)",
                "platform:cacheNodeCount = 2: must be >= 3 (a primary and two replicas) in prod. Fix: set platform:cacheNodeCount to 3-6",
                "platform:cacheSnapshotRetentionDays = 0: must be >= 1 day (daily snapshots on) in prod. Fix: set platform:cacheSnapshotRetentionDays to 1-35 (prod's profile: 7)",
            ],
        );
        // The same values are staging's or dev's to choose (dev is disposable; staging is smaller).
        const lowered = { auroraBackupRetentionDays: 1, cacheNodeCount: 2, cacheSnapshotRetentionDays: 0, deletionProtection: false, protectStatefulResources: false };
        assert.deepStrictEqual(problemsOf({ ...lowered, environment: "staging" }), []);
        // At the floor exactly is fine.
        assert.deepStrictEqual(problemsOf({ auroraBackupRetentionDays: 7, cacheNodeCount: 3, cacheSnapshotRetentionDays: 1 }), []);
    });

    it("an unknown NAT strategy is one problem: the Multi-AZ rule does not judge the fallback it was replaced with", () => {
        assert.deepStrictEqual(problemsOf({ natStrategy: "PerSubnet" }), [
            'platform:natStrategy = "PerSubnet": must be one of None, Single, OnePerAz. Fix: set platform:natStrategy to one of None, Single, OnePerAz',
        ]);
    });

    it("requires an AWS Region", () => {
        const problems = problemsOf({}, { ...CONTEXT, region: undefined });
        assert.deepStrictEqual(problems, ["aws:region = (not set): an AWS Region code such as eu-west-1 is required. Fix: set aws:region in Pulumi.<stack>.yaml"]);
    });

    it("a setting of a disabled feature that does not parse is reported with its value, both ways", () => {
        assert.deepStrictEqual(problemsOf({ cacheEnabled: false, cacheNodeCount: "abc", services: svc({ usesCache: false }) }), [
            'platform:cacheNodeCount = "abc": must be an integer. Fix: correct platform:cacheNodeCount in Pulumi.<stack>.yaml',
            'platform:cacheNodeCount = "abc": applies only when platform:cacheEnabled is true. Fix: remove platform:cacheNodeCount, or set platform:cacheEnabled to true',
        ]);
    });

    it("a usage plan's scopes that are not a list are one problem, not two", () => {
        const plan = { name: "partners", consumers: ["acme"], services: ["orders"], scopes: "orders.read", rateLimit: 10, burstLimit: 5 };
        assert.deepStrictEqual(problemsOf({ apiUsagePlans: [plan] }), [
            'platform:apiUsagePlans[0].scopes = "orders.read": must be a list of strings. Fix: write scopes as a YAML list of strings',
        ]);
    });

    it("reports a key in a namespace nothing reads (a typo), and accepts the providers' and the engine's", () => {
        assert.deepStrictEqual(problemsOf({}, { ...CONTEXT, otherKeys: ["platfrom:vpcCidr", "aws:region", "aws:defaultTags", "pulumi:tags", "random:x", "awsx:y"] }), [
            'platfrom:vpcCidr = (value not shown): unknown namespace "platfrom": the program reads platform:* and its providers aws:*, awsx:*, random:*, pulumi:*. Fix: correct the namespace (e.g. platform:vpcCidr) or remove the key',
        ]);
    });

    it("accepts only Regions of the aws partition: China and GovCloud ARNs and endpoints differ", () => {
        for (const region of ["cn-north-1", "us-gov-west-1", "eu-west"]) {
            assert.deepStrictEqual(problemsOf({}, { ...CONTEXT, region }), [
                `aws:region = "${region}": must be a Region of the aws partition such as eu-west-1 (China cn-* and GovCloud us-gov-* Regions are not supported: the platform writes arn:aws ARNs and amazonaws.com endpoints). Fix: set aws:region in Pulumi.<stack>.yaml`,
            ]);
        }
        assert.deepStrictEqual(problemsOf({}, { ...CONTEXT, region: "ap-southeast-3" }), []);
    });

    it("rejects a project name that breaks the 40-character replication group id", () => {
        const problems = problemsOf({}, { ...CONTEXT, project: "a-very-long-project-name-for-the-platform" });
        assert.ok(
            problems.some((p) =>
                p.startsWith('project name = "a-very-long-project-name-for-the-platform": the cache replication group id "a-very-long-project-name-for-the-platform-prod"'),
            ),
        );
    });
});

describe("config: API settings", () => {
    const chains = path.join(__dirname, "fixtures", "truststores");
    const withTruststore = (file: string) => ({
        ...CONTEXT,
        readFile: (f: string) => (f === "certs/truststore.pem" ? fs.readFileSync(path.join(chains, file), "utf8") : undefined),
    });
    const mtls = { cdnEnabled: false, cdnAliases: undefined, apiMtlsTruststoreFile: "certs/truststore.pem" };

    it("rejects a truststore chain deeper than API Gateway's 4 certificates, before any resource", () => {
        assert.deepStrictEqual(problemsOf(mtls, withTruststore("chain-5.pem")), [
            'platform:apiMtlsTruststoreFile = "certs/truststore.pem": the truststore holds a certificate chain of 5 certificates (Chain Test Intermediate CA 4 <- Chain Test Intermediate CA 3 <- Chain Test Intermediate CA 2 <- Chain Test Intermediate CA 1 <- Chain Test Root CA); API Gateway accepts a chain of at most 4. Fix: export the trusted CA chain at most 4 certificates deep, certificates only, in PEM',
        ]);
        assert.deepStrictEqual(problemsOf(mtls, withTruststore("chain-4.pem")), []);
    });

    it("rejects a truststore CA whose key API Gateway does not accept (RSA under 2048 bits), before any resource", () => {
        assert.deepStrictEqual(problemsOf(mtls, withTruststore("rsa-1024.pem")), [
            'platform:apiMtlsTruststoreFile = "certs/truststore.pem": the truststore certificate 1 of 1 (Weak RSA-1024 CA) has a 1024-bit RSA key; API Gateway accepts RSA-2048 or stronger. Fix: replace "Weak RSA-1024 CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature',
        ]);
    });

    it("rejects a project whose default Cognito domain prefix would contain a reserved word", () => {
        assert.deepStrictEqual(
            problemsOf({}, { ...CONTEXT, project: "awsshop" }).filter((p) => p.startsWith("awsshop:apiAuthDomainPrefix")),
            [
                'awsshop:apiAuthDomainPrefix = (not set): the default Cognito domain prefix "awsshop-prod-<12-digit account id>" (<project>-<environment>-<account id>) must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen, and must not contain aws, amazon or cognito (Cognito domain prefix). Fix: set awsshop:apiAuthDomainPrefix explicitly (e.g. a shorter name plus the account id)',
            ],
        );
        assert.deepStrictEqual(
            problemsOf({ apiAuthDomainPrefix: "shop-prod-123456789012" }, { ...CONTEXT, project: "awsshop" }).filter((p) => p.includes("apiAuthDomainPrefix")),
            [],
        );
    });

    it("defaults: derived Cognito prefix, the account logs role managed, base path v1; usage plans keep what they cover", () => {
        const api = resolvePlatformConfig(
            validRaw({
                apiUsagePlans: [
                    { name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                    { name: "events", consumers: ["feeder"], asyncEvents: true, scopes: ["events.write"], rateLimit: 10, burstLimit: 5 },
                ],
            }),
            CONTEXT,
        ).api;
        assert.deepStrictEqual([api.authDomainPrefix, api.manageAccountLogsRole, api.basePath], [undefined, true, "v1"]);
        assert.deepStrictEqual(api.usagePlans, [
            { name: "partners", consumers: ["acme"], services: ["orders"], asyncEvents: false, rateLimit: 10, burstLimit: 5, quotaPerDay: undefined },
            { name: "events", consumers: ["feeder"], services: [], asyncEvents: true, scopes: ["events.write"], rateLimit: 10, burstLimit: 5, quotaPerDay: undefined },
        ]);
        const explicit = resolvePlatformConfig(validRaw({ apiAuthDomainPrefix: "shop-auth-eu", apiManageAccountLogsRole: false, apiBasePath: "v2" }), CONTEXT).api;
        assert.deepStrictEqual([explicit.authDomainPrefix, explicit.manageAccountLogsRole, explicit.basePath], ["shop-auth-eu", false, "v2"]);
    });
});

describe("config: CDN settings are checked by EdgeCdn's validator, under config keys", () => {
    it("accepts wildcard aliases (the component supports them)", () => {
        assert.deepStrictEqual(problemsOf({ cdnAliases: ["*.example.com", "example.com"] }), []);
        assert.deepStrictEqual(resolvePlatformConfig(validRaw({ cdnAliases: ["*.example.com", "example.com"] }), CONTEXT).cdn.aliases, ["*.example.com", "example.com"]);
    });

    it("reads cached API paths in order (cdnApiCachePaths)", () => {
        const paths = [
            { pathPattern: "/v1/catalog/items/*", ttlSeconds: 300 },
            { pathPattern: "/v1/catalog/*", ttlSeconds: 60 },
        ];
        assert.deepStrictEqual(resolvePlatformConfig(validRaw({ cdnApiCachePaths: paths }), CONTEXT).cdn.apiCachePaths, paths);
        assert.deepStrictEqual(resolvePlatformConfig(validRaw(), CONTEXT).cdn.apiCachePaths, []);
    });

    it("needs no alias while the CDN is disabled; CDN settings given then are reported, not ignored (and still checked)", () => {
        assert.deepStrictEqual(problemsOf({ cdnEnabled: false, cdnAliases: [] }), []);
        assert.deepStrictEqual(problemsOf({ cdnEnabled: false, cdnAliases: ["www.example.org"] }), [
            'platform:cdnAliases[0] = "www.example.org": must be within the public zone example.com (its certificate is DNS-validated and its alias records are created there). Fix: use a name ending in ".example.com", or pass the zone that holds www.example.org',
            'platform:cdnAliases = ["www.example.org"]: applies only when platform:cdnEnabled is true. Fix: remove platform:cdnAliases, or set platform:cdnEnabled to true',
        ]);
        assert.deepStrictEqual(problemsOf({ cdnEnabled: false, cdnAliases: undefined, cdnPriceClass: "PriceClass_All", cdnWafRateLimit: 500 }), [
            'platform:cdnPriceClass = "PriceClass_All": applies only when platform:cdnEnabled is true. Fix: remove platform:cdnPriceClass, or set platform:cdnEnabled to true',
            "platform:cdnWafRateLimit = 500: applies only when platform:cdnEnabled is true. Fix: remove platform:cdnWafRateLimit, or set platform:cdnEnabled to true",
        ]);
    });

    it("reports a bad key of another section once, under that section's rule", () => {
        assert.deepStrictEqual(problemsOf({ apiBasePath: "v 1" }), [
            'platform:apiBasePath = "v 1": must be a single path segment (letters, digits, . _ -). Fix: set platform:apiBasePath to e.g. v1',
        ]);
        assert.deepStrictEqual(
            problemsOf({ apiDomainName: "api.example.org" }).map((p) => p.split(" = ")[0]),
            ["platform:apiDomainName"],
        );
    });

    it("lists CDN problems together with the others, in one error", () => {
        let error: unknown;
        try {
            resolvePlatformConfig(
                validRaw({ availabilityZoneCount: 1, cdnAliases: ["api.example.com", "www.example.com", "www.example.com"], cdnPriceClass: "PriceClass_50" }),
                CONTEXT,
            );
        } catch (err) {
            error = err;
        }
        assert.ok(error instanceof ValidationError);
        assert.deepStrictEqual(
            error.problems.map((p) => p.key),
            ["platform:availabilityZoneCount", "platform:cdnAliases[0]", "platform:cdnAliases[2]", "platform:cdnPriceClass"],
        );
    });
});

describe("config: profiles", () => {
    const resolve = (env: string, overrides: Record<string, unknown> = {}) =>
        resolvePlatformConfig(
            validRaw({ environment: env, ...(env === "dev" ? { services: svc({ minCount: 1, publishesNotifications: false }), cdnAliases: undefined } : {}), ...overrides }),
            CONTEXT,
        );

    it("dev is cheap: single NAT, 2 AZs, one Aurora instance, one cache node, no CDN, advisory Multi-AZ", () => {
        const c = resolve("dev");
        assert.deepStrictEqual(
            [
                c.network.natStrategy,
                c.network.availabilityZoneCount,
                c.data.sql.instanceCount,
                c.cache.nodeCount,
                c.cache.multiAz,
                c.cdn.enabled,
                c.requireMultiAz,
                c.deletionProtection,
                c.protectStatefulResources,
            ],
            ["Single", 2, 1, 1, false, false, false, false, false],
        );
        // Advisory, not silent: what requireMultiAz would reject is returned for the program to log.
        assert.deepStrictEqual(
            c.advisories.map((a) => a.key),
            ["platform:services[0].minCount", "platform:natStrategy", "platform:auroraInstanceCount", "platform:cacheMultiAz"],
        );
        assert.deepStrictEqual(resolve("prod").advisories, []);
    });

    it("prod is fully HA: 3 AZs, NAT per AZ, 3 Aurora instances, 3 cache nodes Multi-AZ, deletion protection, protect", () => {
        const c = resolve("prod");
        assert.deepStrictEqual(
            [
                c.network.natStrategy,
                c.network.availabilityZoneCount,
                c.data.sql.instanceCount,
                c.cache.nodeCount,
                c.cache.multiAz,
                c.cdn.enabled,
                c.requireMultiAz,
                c.deletionProtection,
                c.protectStatefulResources,
                c.data.sql.backupRetentionDays,
                c.logRetentionDays,
            ],
            ["OnePerAz", 3, 3, 3, true, true, true, true, true, 14, 365],
        );
    });

    it("staging mirrors prod's shape at smaller sizes", () => {
        const staging = resolve("staging");
        const prod = resolve("prod");
        assert.strictEqual(staging.network.natStrategy, prod.network.natStrategy);
        assert.strictEqual(staging.network.availabilityZoneCount, prod.network.availabilityZoneCount);
        assert.strictEqual(staging.cache.multiAz, true);
        assert.strictEqual(staging.data.sql.instanceCount, 2);
        assert.strictEqual(staging.cache.nodeType, "cache.t4g.small");
        assert.ok(staging.data.sql.maxCapacity < prod.data.sql.maxCapacity);
    });

    it("CDN: off in dev; on in staging and prod, PriceClass_100 except prod's PriceClass_All, TLSv1.2_2021, no geo restriction, API caching off", () => {
        const cdn = (env: string) => resolve(env).cdn;
        assert.deepStrictEqual(
            ["dev", "staging", "prod"].map((env) => [env, cdn(env).enabled, cdn(env).priceClass]),
            [
                ["dev", false, "PriceClass_100"],
                ["staging", true, "PriceClass_100"],
                ["prod", true, "PriceClass_All"],
            ],
        );
        for (const env of ["dev", "staging", "prod"]) {
            const c = cdn(env);
            assert.deepStrictEqual(
                [c.minimumProtocolVersion, c.geoRestrictionType, c.geoRestrictionLocations, c.apiCacheTtlSeconds, c.wafRateLimit],
                ["TLSv1.2_2021", "none", [], 0, 2000],
                env,
            );
        }
    });

    it("explicit config wins over the profile", () => {
        const c = resolve("prod", { auroraInstanceCount: 2, logRetentionDays: 731, cacheNodeType: "cache.r7g.xlarge" });
        assert.deepStrictEqual([c.data.sql.instanceCount, c.logRetentionDays, c.cache.nodeType], [2, 731, "cache.r7g.xlarge"]);
    });

    it("service defaults follow the profile and explicit fields win", () => {
        assert.strictEqual(resolve("prod").services[0].minCount, 2);
        assert.strictEqual(resolve("prod", { services: svc({ minCount: 4, maxCount: 8 }) }).services[0].minCount, 4);
        assert.strictEqual(resolve("dev").services[0].minCount, 1);
    });
});

describe("config: rejected before any resource is registered", () => {
    it("a CDN setting EdgeCdn would reject fails the stack before anything is registered (EdgeCdn is built last)", async () => {
        const registered: string[] = [];
        await assert.rejects(
            runStack("prod", { overrides: { "platform:cdnAliases": JSON.stringify(["api.example.com"]) }, onResource: (r) => registered.push(r.type) }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepStrictEqual(
                    err.problems.map((p) => p.key),
                    ["platform:cdnAliases[0]"],
                );
                return true;
            },
        );
        assert.deepStrictEqual(registered, ["pulumi:pulumi:Stack"]);
    });

    it("a stack with invalid config fails with the all-at-once message and registers nothing but the stack", async () => {
        const registered: string[] = [];
        await assert.rejects(
            runStack("dev", { overrides: { "platform:natStrategy": "PerSubnet", "platform:availabilityZoneCount": "1" }, onResource: (r) => registered.push(r.type) }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepStrictEqual(
                    err.problems.map((p) => p.key),
                    ["platform:availabilityZoneCount", "platform:natStrategy"],
                );
                return true;
            },
        );
        assert.deepStrictEqual(registered, ["pulumi:pulumi:Stack"]);
    });
});
