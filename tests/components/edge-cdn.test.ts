import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_LOG_FIELDS, EdgeCdn, EdgeCdnArgs, ISO_COUNTRY_CODES, certificateNames, validateEdgeCdnArgs } from "../../components/edge-cdn";
import { ValidationError, formatProblem, show } from "../../config/problems";
import { CLOUDFRONT_MANAGED_POLICY_IDS, MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { Recorded, RecordedResource, policyDocument, record, resolveOutput, runOnMocks } from "../support/harness";
import { EDGE_ALARM_TOPIC, EDGE_ORIGIN_SECRET, EDGE_ZONE_ID, edgeCdnArgs, edgeCdnArgsWithOriginVerify } from "../fixtures/edge-cdn";

const T = {
    component: "platform:edge:EdgeCdn",
    distribution: "aws:cloudfront/distribution:Distribution",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    headers: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    bucket: "aws:s3/bucket:Bucket",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    logPolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    deliverySource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    deliveryDestination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
    delivery: "aws:cloudwatch/logDelivery:LogDelivery",
    wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

const ROOT = `arn:aws:iam::${MOCK_ACCOUNT_ID}:root`;
const LOG_GROUP_NAME = "/aws/vendedlogs/cloudfront/platform-test-edge";
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:${LOG_GROUP_NAME}`;
const WAF_LOG_GROUP_NAME = "aws-waf-logs-platform-test-edge";
const WAF_LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:${WAF_LOG_GROUP_NAME}`;
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

interface Run {
    readonly edge: EdgeCdn;
    readonly resources: Recorded;
    readonly distributionArn: string;
    readonly distributionId: string;
    readonly domainName: string;
}

async function run(args: EdgeCdnArgs, region = "eu-west-1"): Promise<Run> {
    const { value, resources } = await record(() => new EdgeCdn("edge", args), { region });
    return {
        edge: value,
        resources,
        distributionArn: await resolveOutput(value.distributionArn),
        distributionId: await resolveOutput(value.distributionId),
        domainName: await resolveOutput(value.domainName),
    };
}

/** The recorded inputs of a resource, as a typed bag for nested assertions. */
function inputs(r: RecordedResource): Record<string, unknown> {
    return r.inputs;
}

function distributionOf(resources: Recorded): Record<string, unknown> {
    return inputs(resources.one(T.distribution, "edge-cdn"));
}

function originsOf(resources: Recorded): Record<string, unknown>[] {
    return distributionOf(resources)["origins"] as Record<string, unknown>[];
}

/** Inputs of the cache policy EdgeCdn "edge" creates for an API TTL. */
function cachePolicyInputs(ttl: number): Record<string, unknown> {
    return {
        comment: `EdgeCdn edge: ${ttl} s edge cache for API GET/HEAD, keyed per Authorization header`,
        minTtl: 0,
        defaultTtl: ttl,
        maxTtl: ttl,
        parametersInCacheKeyAndForwardedToOrigin: {
            headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization"] } },
            queryStringsConfig: { queryStringBehavior: "all" },
            cookiesConfig: { cookieBehavior: "none" },
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
        },
    };
}

/** An ordered cache behavior to the API origin: HTTPS, every method, GET/HEAD cached, Host never forwarded. */
function apiBehavior(pathPattern: string, cachePolicyId: string, responseHeadersPolicyId: string): Record<string, unknown> {
    return {
        pathPattern,
        targetOriginId: "api",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ALL_METHODS,
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId,
        originRequestPolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"],
        responseHeadersPolicyId,
        compress: true,
    };
}

/** Id of the security response headers policy resource. */
function headersPolicyId(resources: Recorded): string {
    return String(resources.one(T.headers, "edge-security-headers").id);
}

function messages(args: EdgeCdnArgs): string[] {
    return validateEdgeCdnArgs(args).map(formatProblem);
}

describe("EdgeCdn", () => {
    for (const region of ["eu-west-1", "ap-southeast-2"]) {
        describe(`Region placement (stack Region ${region})`, () => {
            let r: Run;
            before(async () => {
                r = await run(edgeCdnArgs(), region);
            });

            it("puts the certificate, its validation, the WAF and its logs, the alarm and every log-delivery piece in us-east-1", () => {
                const usEast1 = [
                    r.resources.one(T.certificate, "edge-cert"),
                    r.resources.one(T.validation, "edge-cert"),
                    r.resources.one(T.webAcl, "edge-waf"),
                    r.resources.one(T.alarm, "edge-5xx-rate"),
                    r.resources.one(T.key, "edge-logs-key"),
                    r.resources.one(T.keyPolicy, "edge-logs-key-policy"),
                    r.resources.one(T.logGroup, "edge-access-logs"),
                    r.resources.one(T.logPolicy, "edge-access-logs"),
                    r.resources.one(T.deliverySource, "edge-access-logs"),
                    r.resources.one(T.deliveryDestination, "edge-access-logs"),
                    r.resources.one(T.delivery, "edge-access-logs"),
                    r.resources.one(T.logGroup, "edge-waf-logs"),
                    r.resources.one(T.logPolicy, "edge-waf-logs-delivery"),
                    r.resources.one(T.wafLogging, "edge-waf-logging"),
                ];
                for (const resource of usEast1) {
                    assert.strictEqual(resource.inputs["region"], "us-east-1", `${resource.type} ${resource.name}`);
                }
            });

            it("keeps the site bucket, its configuration and its key in the stack Region", async () => {
                const stackRegional = [
                    r.resources.one(T.bucket, "edge-site"),
                    r.resources.one(T.publicAccessBlock, "edge-site"),
                    r.resources.one(T.ownership, "edge-site"),
                    r.resources.one(T.versioning, "edge-site"),
                    r.resources.one(T.lifecycle, "edge-site"),
                    r.resources.one(T.sse, "edge-site"),
                    r.resources.one(T.bucketPolicy, "edge-site"),
                    r.resources.one(T.key, "edge-site-key"),
                    r.resources.one(T.keyPolicy, "edge-site-key-policy"),
                ];
                for (const resource of stackRegional) {
                    assert.strictEqual(resource.inputs["region"], undefined, `${resource.type} ${resource.name}`);
                }
                const bucket = await resolveOutput(r.edge.siteBucketName);
                assert.strictEqual(originsOf(r.resources)[0]["domainName"], `${bucket}.s3.${region}.amazonaws.com`);
                const sse = (inputs(r.resources.one(T.sse, "edge-site"))["rules"] as Record<string, Record<string, unknown>>[])[0];
                const siteKeyArn = String(r.resources.one(T.key, "edge-site-key").state.arn);
                assert.strictEqual(sse["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"], siteKeyArn);
                assert.match(siteKeyArn, new RegExp(`^arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/`));
            });

            it("serves the us-east-1 certificate and the global (CLOUDFRONT) web ACL", async () => {
                const certificate = distributionOf(r.resources)["viewerCertificate"] as Record<string, unknown>;
                const certificateArn = String(r.resources.one(T.certificate, "edge-cert").state.arn);
                const webAclArn = String(r.resources.one(T.webAcl, "edge-waf").state.arn);
                assert.deepStrictEqual([certificate["acmCertificateArn"], distributionOf(r.resources)["webAclId"]], [certificateArn, webAclArn]);
                assert.match(certificateArn, new RegExp(`^arn:aws:acm:us-east-1:${MOCK_ACCOUNT_ID}:certificate/`));
                assert.match(webAclArn, new RegExp(`^arn:aws:wafv2:us-east-1:${MOCK_ACCOUNT_ID}:global/webacl/`));
                assert.strictEqual(await resolveOutput(r.edge.certificateArn), certificateArn);
            });
        });
    }

    describe("baseline (eu-west-1)", () => {
        let r: Run;
        before(async () => {
            r = await run(edgeCdnArgs());
        });

        it("creates exactly these resources, all children of the component", () => {
            assert.deepStrictEqual(r.resources.countByType(), {
                "pulumi:pulumi:Stack": 1,
                [T.component]: 1,
                [T.distribution]: 1,
                [T.oac]: 1,
                [T.headers]: 1,
                [T.bucket]: 1,
                [T.publicAccessBlock]: 1,
                [T.ownership]: 1,
                [T.versioning]: 1,
                [T.lifecycle]: 1,
                [T.sse]: 1,
                [T.bucketPolicy]: 1,
                [T.key]: 2,
                [T.keyPolicy]: 2,
                [T.certificate]: 1,
                [T.validation]: 1,
                // 2 certificate validation records + A and AAAA for each of the 2 aliases.
                [T.record]: 6,
                [T.webAcl]: 1,
                // Access logs and WAF logs.
                [T.logGroup]: 2,
                [T.logPolicy]: 2,
                [T.deliverySource]: 1,
                [T.deliveryDestination]: 1,
                [T.delivery]: 1,
                [T.wafLogging]: 1,
                [T.alarm]: 1,
            });
            const component = r.resources.one(T.component, "edge");
            const others = r.resources.all.filter((x) => x.type !== T.component && x.type !== "pulumi:pulumi:Stack");
            for (const child of others) {
                assert.strictEqual(child.parent, component.urn, `${child.type} ${child.name}`);
            }
        });

        it("configures the distribution: aliases, root object, HTTP/2+3, IPv6, price class, no geo restriction, WAF", async () => {
            const d = distributionOf(r.resources);
            assert.strictEqual(d["enabled"], true);
            assert.deepStrictEqual(d["aliases"], ["example.com", "www.example.com"]);
            assert.strictEqual(d["defaultRootObject"], "index.html");
            assert.strictEqual(d["httpVersion"], "http2and3");
            assert.strictEqual(d["isIpv6Enabled"], true);
            assert.strictEqual(d["priceClass"], "PriceClass_100");
            assert.deepStrictEqual(d["restrictions"], { geoRestriction: { restrictionType: "none", locations: [] } });
            assert.strictEqual(d["webAclId"], await resolveOutput(r.edge.webAclArn));
            assert.strictEqual(d["loggingConfig"], undefined, "legacy standard logging is not used (v2 delivery instead)");
        });

        it("uses the validated ACM certificate with SNI and TLSv1.2_2021", async () => {
            assert.deepStrictEqual(distributionOf(r.resources)["viewerCertificate"], {
                acmCertificateArn: await resolveOutput(r.edge.certificateArn),
                sslSupportMethod: "sni-only",
                minimumProtocolVersion: "TLSv1.2_2021",
            });
            const validation = inputs(r.resources.one(T.validation, "edge-cert"));
            assert.strictEqual(validation["certificateArn"], await resolveOutput(r.edge.certificateArn));
        });

        it("has the S3 origin through OAC and the API origin over HTTPS/TLS 1.2 only, without a secret header", async () => {
            const oac = r.resources.one(T.oac, "edge-site");
            const [site, api] = originsOf(r.resources);
            const bucket = await resolveOutput(r.edge.siteBucketName);
            assert.strictEqual(site["s3OriginConfig"], undefined, "no legacy origin access identity");
            assert.deepStrictEqual(site, {
                originId: "static-site",
                domainName: `${bucket}.s3.eu-west-1.amazonaws.com`,
                originAccessControlId: site["originAccessControlId"],
            });
            assert.strictEqual(site["originAccessControlId"], oac.id, "the OAC created here");
            assert.deepStrictEqual(oac.inputs, {
                description: "EdgeCdn edge: CloudFront signs S3 requests (SigV4) for the static site",
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            });
            assert.deepStrictEqual(api, {
                originId: "api",
                domainName: "api.example.com",
                customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
            });
            assert.ok(!r.resources.one(T.distribution, "edge-cdn").secretInputs.includes("origins"));
        });

        it("sends the default behavior to S3 with CachingOptimized and the API path to the API with CachingDisabled and no Host header", () => {
            const d = distributionOf(r.resources);
            const headers = headersPolicyId(r.resources);
            assert.deepStrictEqual(d["defaultCacheBehavior"], {
                targetOriginId: "static-site",
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD"],
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingOptimized"],
                responseHeadersPolicyId: headers,
                compress: true,
            });
            assert.deepStrictEqual(d["orderedCacheBehaviors"], [
                {
                    pathPattern: "/v1/*",
                    targetOriginId: "api",
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ALL_METHODS,
                    cachedMethods: ["GET", "HEAD"],
                    cachePolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingDisabled"],
                    originRequestPolicyId: CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"],
                    responseHeadersPolicyId: headers,
                    compress: true,
                },
            ]);
        });

        it("requires HTTPS and attaches the security headers policy on every behavior", () => {
            const d = distributionOf(r.resources);
            const behaviors = [d["defaultCacheBehavior"], ...(d["orderedCacheBehaviors"] as unknown[])] as Record<string, unknown>[];
            assert.strictEqual(behaviors.length, 2);
            for (const behavior of behaviors) {
                assert.deepStrictEqual([behavior["viewerProtocolPolicy"], behavior["responseHeadersPolicyId"]], ["redirect-to-https", headersPolicyId(r.resources)]);
            }
        });

        it("sets exact security response headers", () => {
            assert.deepStrictEqual(r.resources.one(T.headers, "edge-security-headers").inputs, {
                comment: "EdgeCdn edge: security headers on every response",
                securityHeadersConfig: {
                    strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: true, preload: true, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
                    // X-XSS-Protection: 0 (the legacy filter is off; CSP replaces it).
                    xssProtection: { protection: false, override: true },
                    contentSecurityPolicy: { contentSecurityPolicy: "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'", override: true },
                },
            });
        });

        it("makes the site bucket private, owner-enforced, versioned, SSE-KMS with its own key and bucket keys, and protected", async () => {
            const bucket = r.resources.one(T.bucket, "edge-site");
            const name = await resolveOutput(r.edge.siteBucketName);
            assert.deepStrictEqual(bucket.inputs, { forceDestroy: false });
            assert.strictEqual(bucket.protect, true);
            assert.strictEqual(bucket.retainOnDelete, true);
            assert.deepStrictEqual(r.resources.one(T.publicAccessBlock, "edge-site").inputs, {
                bucket: name,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            assert.deepStrictEqual(r.resources.one(T.ownership, "edge-site").inputs, { bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } });
            assert.deepStrictEqual(r.resources.one(T.versioning, "edge-site").inputs, { bucket: name, versioningConfiguration: { status: "Enabled" } });
            assert.deepStrictEqual(r.resources.one(T.lifecycle, "edge-site").inputs, {
                bucket: name,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: 90 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            });
            const siteKeyArn = String((policyDocument(r.resources.one(T.keyPolicy, "edge-site-key-policy").inputs["policy"]).Statement[0]["Resource"] as string[])[0]);
            assert.deepStrictEqual(r.resources.one(T.sse, "edge-site").inputs, {
                bucket: name,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: siteKeyArn }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] }],
            });
        });

        it("creates the site key with rotation, a 30-day deletion window, a root-only initial policy owned afterwards by its KeyPolicy", () => {
            const key = r.resources.one(T.key, "edge-site-key");
            assert.strictEqual(key.inputs["enableKeyRotation"], true);
            assert.strictEqual(key.inputs["deletionWindowInDays"], 30);
            assert.deepStrictEqual(policyDocument(key.inputs["policy"]).Statement, [
                { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:*"], Resource: ["*"] },
            ]);
            assert.deepStrictEqual(key.ignoreChanges, ["policy"]);
            assert.strictEqual(key.protect, true);
            assert.strictEqual(key.retainOnDelete, true);
        });

        it("lets only this distribution decrypt with the site key (key policy, SourceArn = distribution ARN)", () => {
            const keyPolicy = r.resources.one(T.keyPolicy, "edge-site-key-policy");
            const doc = policyDocument(keyPolicy.inputs["policy"]);
            const keyArn = String((doc.Statement[0]["Resource"] as string[])[0]);
            assert.match(keyArn, new RegExp(`^arn:aws:kms:eu-west-1:${MOCK_ACCOUNT_ID}:key/${String(keyPolicy.inputs["keyId"])}$`));
            assert.deepStrictEqual(doc, {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:*"], Resource: [keyArn] },
                    {
                        Sid: "AllowCloudFrontToDecryptForThisDistribution",
                        Effect: "Allow",
                        Principal: { Service: "cloudfront.amazonaws.com" },
                        Action: ["kms:Decrypt"],
                        Resource: [keyArn],
                        Condition: { StringEquals: { "AWS:SourceArn": r.distributionArn } },
                    },
                ],
            });
        });

        it("lets only this distribution read objects, and denies non-TLS requests (bucket policy)", async () => {
            const name = await resolveOutput(r.edge.siteBucketName);
            const bucketArn = await resolveOutput(r.edge.siteBucketArn);
            const policy = r.resources.one(T.bucketPolicy, "edge-site");
            assert.strictEqual(policy.inputs["bucket"], name);
            assert.deepStrictEqual(policyDocument(policy.inputs["policy"]), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AllowCloudFrontReadForThisDistribution",
                        Effect: "Allow",
                        Principal: { Service: "cloudfront.amazonaws.com" },
                        Action: ["s3:GetObject"],
                        Resource: [`${bucketArn}/*`],
                        Condition: { StringEquals: { "AWS:SourceArn": r.distributionArn } },
                    },
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: ["s3:*"],
                        Resource: [bucketArn, `${bucketArn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
        });

        it("creates a CLOUDFRONT-scope web ACL with the three managed groups and a per-IP rate rule", () => {
            const acl = inputs(r.resources.one(T.webAcl, "edge-waf"));
            assert.strictEqual(acl["scope"], "CLOUDFRONT");
            assert.deepStrictEqual(acl["defaultAction"], { allow: {} });
            assert.deepStrictEqual(acl["visibilityConfig"], { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "edge-web-acl" });
            const managed = (ruleName: string, priority: number) => ({
                name: ruleName,
                priority,
                overrideAction: { none: {} },
                statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleName } },
                visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `edge-${ruleName}` },
            });
            assert.deepStrictEqual(acl["rules"], [
                managed("AWSManagedRulesAmazonIpReputationList", 0),
                managed("AWSManagedRulesCommonRuleSet", 1),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
                {
                    name: "RateLimitPerIp",
                    priority: 3,
                    action: { block: {} },
                    statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: 2000, evaluationWindowSec: 300 } },
                    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "edge-RateLimitPerIp" },
                },
            ]);
        });

        it("issues one certificate for every alias, DNS-validated in the public zone", () => {
            assert.deepStrictEqual(r.resources.one(T.certificate, "edge-cert").inputs, {
                domainName: "example.com",
                subjectAlternativeNames: ["www.example.com"],
                validationMethod: "DNS",
                region: "us-east-1",
            });
            const options = r.resources.one(T.certificate, "edge-cert").state.domainValidationOptions as Record<string, string>[];
            const validationRecords = r.resources.ofType(T.record).filter((x) => x.name.startsWith("edge-cert-validation-"));
            // Exactly the records ACM asked for, one per name, in the public zone.
            assert.deepStrictEqual(
                validationRecords.map((x) => [x.name, x.inputs]),
                options.map((o) => [
                    `edge-cert-validation-${o.domainName.replace(/[^a-z0-9]+/g, "-")}`,
                    { zoneId: EDGE_ZONE_ID, name: o.resourceRecordName, type: o.resourceRecordType, records: [o.resourceRecordValue], ttl: 60 },
                ]),
            );
            assert.deepStrictEqual(validationRecords.map((x) => x.name).sort(), ["edge-cert-validation-example-com", "edge-cert-validation-www-example-com"]);
            const validation = inputs(r.resources.one(T.validation, "edge-cert"));
            assert.deepStrictEqual([...(validation["validationRecordFqdns"] as string[])].sort(), validationRecords.map((x) => String(x.inputs["name"])).sort());
        });

        it("creates A and AAAA alias records for every alias, targeting the distribution in zone Z2FDTNDATAQYW2", () => {
            const aliasRecords = r.resources.ofType(T.record).filter((x) => x.name.startsWith("edge-alias-"));
            assert.deepStrictEqual(aliasRecords.map((x) => [x.inputs["name"], x.inputs["type"]]).sort(), [
                ["example.com", "A"],
                ["example.com", "AAAA"],
                ["www.example.com", "A"],
                ["www.example.com", "AAAA"],
            ]);
            for (const rec of aliasRecords) {
                assert.strictEqual(rec.inputs["zoneId"], EDGE_ZONE_ID);
                assert.strictEqual(rec.inputs["ttl"], undefined, "alias records have no TTL");
                assert.deepStrictEqual(rec.inputs["aliases"], [{ name: r.domainName, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }]);
            }
        });

        it("alarms on 5xxErrorRate (DistributionId, Region=Global) above 5% and notifies the given topic", () => {
            assert.deepStrictEqual(r.resources.one(T.alarm, "edge-5xx-rate").inputs, {
                alarmDescription: "EdgeCdn edge: share of viewer requests answered with 5xx is above 5%",
                namespace: "AWS/CloudFront",
                metricName: "5xxErrorRate",
                dimensions: { DistributionId: r.distributionId, Region: "Global" },
                statistic: "Average",
                unit: "Percent",
                period: 300,
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 5,
                treatMissingData: "notBreaching",
                actionsEnabled: true,
                alarmActions: [EDGE_ALARM_TOPIC],
                okActions: [EDGE_ALARM_TOPIC],
                region: "us-east-1",
            });
        });

        it("encrypts both log groups with a rotating us-east-1 logs key that CloudWatch Logs may use for exactly these groups", () => {
            const logsKey = r.resources.one(T.key, "edge-logs-key");
            const keyArn = String(logsKey.state.arn);
            assert.match(keyArn, new RegExp(`^arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/`));
            assert.deepStrictEqual([logsKey.inputs["enableKeyRotation"], logsKey.inputs["deletionWindowInDays"], logsKey.ignoreChanges], [true, 30, ["policy"]]);
            const keyPolicy = r.resources.one(T.keyPolicy, "edge-logs-key-policy");
            assert.deepStrictEqual([keyPolicy.inputs["keyId"], keyPolicy.inputs["region"]], [logsKey.id, "us-east-1"]);
            assert.deepStrictEqual(policyDocument(keyPolicy.inputs["policy"]).Statement, [
                { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:*"], Resource: [keyArn] },
                {
                    Sid: "AllowCloudWatchLogsForTheEdgeLogGroups",
                    Effect: "Allow",
                    Principal: { Service: "logs.us-east-1.amazonaws.com" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: [keyArn],
                    Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": [LOG_GROUP_ARN, WAF_LOG_GROUP_ARN] } },
                },
            ]);
            for (const [name, groupName] of [
                ["edge-access-logs", LOG_GROUP_NAME],
                ["edge-waf-logs", WAF_LOG_GROUP_NAME],
            ]) {
                const group = r.resources.one(T.logGroup, name);
                assert.deepStrictEqual(group.inputs, { name: groupName, retentionInDays: 365, kmsKeyId: keyArn, region: "us-east-1" });
                assert.ok(group.dependencies.includes(keyPolicy.urn), `${name} waits for the key policy that lets CloudWatch Logs use the key`);
            }
        });

        it("delivers access logs (v2, without cookies) to the access-log group, writable only by this delivery source", () => {
            const source = r.resources.one(T.deliverySource, "edge-access-logs");
            assert.deepStrictEqual(source.inputs, { name: "platform-test-edge-access-logs", logType: "ACCESS_LOGS", resourceArn: r.distributionArn, region: "us-east-1" });
            const destination = r.resources.one(T.deliveryDestination, "edge-access-logs");
            assert.deepStrictEqual(destination.inputs, {
                name: "platform-test-edge-access-logs",
                outputFormat: "json",
                deliveryDestinationConfiguration: { destinationResourceArn: LOG_GROUP_ARN },
                region: "us-east-1",
            });
            const delivery = r.resources.one(T.delivery, "edge-access-logs");
            assert.deepStrictEqual(delivery.inputs, {
                deliverySourceName: "platform-test-edge-access-logs",
                deliveryDestinationArn: destination.state.arn,
                recordFields: [...ACCESS_LOG_FIELDS],
                region: "us-east-1",
            });
            assert.match(String(destination.state.arn), /^arn:aws:[a-z]+:us-east-1:/);
            assert.ok(!(delivery.inputs["recordFields"] as string[]).includes("cs(Cookie)"));
            // Fixed names (one delivery per source and destination): a replacement deletes first.
            assert.deepStrictEqual(
                [source, destination, delivery].map((x) => x.deleteBeforeReplace),
                [true, true, true],
            );

            const logPolicy = r.resources.one(T.logPolicy, "edge-access-logs");
            assert.strictEqual(logPolicy.inputs["resourceArn"], LOG_GROUP_ARN);
            assert.ok(delivery.dependencies.includes(logPolicy.urn), "the delivery waits for the log group's resource policy");
            assert.deepStrictEqual(policyDocument(logPolicy.inputs["policyDocument"]).Statement, [
                {
                    Sid: "AWSLogDeliveryWrite",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: [`${LOG_GROUP_ARN}:log-stream:*`],
                    Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID }, ArnEquals: { "aws:SourceArn": source.state.arn } },
                },
            ]);
        });

        it("logs the web ACL to the aws-waf-logs- group in us-east-1, redacting credentials, through its own delivery policy", async () => {
            const logging = r.resources.one(T.wafLogging, "edge-waf-logging");
            const policy = r.resources.one(T.logPolicy, "edge-waf-logs-delivery");
            assert.deepStrictEqual(logging.inputs, {
                resourceArn: await resolveOutput(r.edge.webAclArn),
                logDestinationConfigs: [WAF_LOG_GROUP_ARN],
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
                region: "us-east-1",
            });
            assert.ok(logging.dependencies.includes(policy.urn), "logging waits for the delivery policy");
            assert.deepStrictEqual([policy.inputs["policyName"], policy.inputs["region"]], [`${WAF_LOG_GROUP_NAME}-delivery`, "us-east-1"]);
            assert.deepStrictEqual(policyDocument(policy.inputs["policyDocument"]).Statement, [
                {
                    Sid: "WafLogDelivery",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: [`${WAF_LOG_GROUP_ARN}:log-stream:*`],
                    Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID }, ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:*` } },
                },
            ]);
        });

        it("exposes the distribution, bucket, WAF and certificate outputs", async () => {
            const distribution = r.resources.one(T.distribution, "edge-cdn");
            const bucket = r.resources.one(T.bucket, "edge-site");
            assert.deepStrictEqual([r.distributionId, r.distributionArn, r.domainName], [distribution.id, distribution.state.arn, distribution.state.domainName]);
            assert.deepStrictEqual([await resolveOutput(r.edge.siteBucketName), await resolveOutput(r.edge.siteBucketArn)], [bucket.state.bucket, bucket.state.arn]);
            assert.strictEqual(await resolveOutput(r.edge.webAclArn), r.resources.one(T.webAcl, "edge-waf").state.arn);
        });
    });

    describe("options", () => {
        it("adds the origin-verify header to the API origin only, recorded as a secret", async () => {
            const r = await run(edgeCdnArgsWithOriginVerify());
            const distribution = r.resources.one(T.distribution, "edge-cdn");
            const [site, api] = originsOf(r.resources);
            assert.deepStrictEqual(api["customHeaders"], [{ name: "X-Origin-Verify", value: EDGE_ORIGIN_SECRET }]);
            assert.strictEqual(site["customHeaders"], undefined);
            assert.ok(distribution.secretInputs.includes("origins"), "origins carries the secret");
            // A forged copy sent by a viewer never reaches the WAF logs either.
            assert.deepStrictEqual(r.resources.one(T.wafLogging, "edge-waf-logging").inputs["redactedFields"], [
                { singleHeader: { name: "authorization" } },
                { singleHeader: { name: "cookie" } },
                { singleHeader: { name: "x-origin-verify" } },
            ]);
        });

        it("keeps the origin-verify value secret even when it is passed as a plain string", async () => {
            const r = await run(
                edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", basePath: "v1", originVerify: { headerName: "X-Origin-Verify", value: EDGE_ORIGIN_SECRET } } }),
            );
            assert.ok(r.resources.one(T.distribution, "edge-cdn").secretInputs.includes("origins"));
        });

        it("caches API GET/HEAD for apiCacheTtlSeconds with Authorization in the cache key", async () => {
            const r = await run(edgeCdnArgs({ apiCacheTtlSeconds: 60 }));
            const policy = r.resources.one(T.cachePolicy, "edge-api-cache");
            assert.deepStrictEqual(policy.inputs, cachePolicyInputs(60));
            const behavior = (distributionOf(r.resources)["orderedCacheBehaviors"] as Record<string, unknown>[])[0];
            assert.deepStrictEqual(behavior, apiBehavior("/v1/*", String(policy.id), headersPolicyId(r.resources)));
            assert.strictEqual(r.resources.ofType(T.cachePolicy).length, 1);
        });

        describe("per-path API caching (apiPathCaching)", () => {
            let r: Run;
            before(async () => {
                r = await run(
                    edgeCdnArgs({
                        apiPathCaching: [
                            { pathPattern: "/v1/catalog/items/*", ttlSeconds: 300 },
                            { pathPattern: "/v1/catalog/*", ttlSeconds: 60 },
                            { pathPattern: "/v1/catalog-search/*", ttlSeconds: 60 },
                            { pathPattern: "/v1/orders/health", ttlSeconds: 0 },
                        ],
                    }),
                );
            });

            it("puts one behavior per path before the API-wide one, in the given order, each with the cache policy of its TTL", () => {
                const p60 = r.resources.one(T.cachePolicy, "edge-api-cache-60s");
                const p300 = r.resources.one(T.cachePolicy, "edge-api-cache-300s");
                const headers = headersPolicyId(r.resources);
                assert.deepStrictEqual(distributionOf(r.resources)["orderedCacheBehaviors"], [
                    apiBehavior("/v1/catalog/items/*", String(p300.id), headers),
                    apiBehavior("/v1/catalog/*", String(p60.id), headers),
                    apiBehavior("/v1/catalog-search/*", String(p60.id), headers),
                    apiBehavior("/v1/orders/health", CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingDisabled"], headers),
                    apiBehavior("/v1/*", CLOUDFRONT_MANAGED_POLICY_IDS["Managed-CachingDisabled"], headers),
                ]);
            });

            it("creates one cache policy per distinct TTL, each keyed on Authorization", () => {
                assert.deepStrictEqual(
                    r.resources.ofType(T.cachePolicy).map((p) => [p.name, p.inputs]),
                    [
                        ["edge-api-cache-300s", cachePolicyInputs(300)],
                        ["edge-api-cache-60s", cachePolicyInputs(60)],
                    ],
                );
            });

            it("never forwards the viewer's Host header: every API behavior uses AllViewerExceptHostHeader, the S3 default none", () => {
                const d = distributionOf(r.resources);
                const api = d["orderedCacheBehaviors"] as Record<string, unknown>[];
                assert.strictEqual(api.length, 5);
                for (const behavior of api) {
                    assert.deepStrictEqual(
                        [behavior["targetOriginId"], behavior["originRequestPolicyId"]],
                        ["api", CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewerExceptHostHeader"]],
                        String(behavior["pathPattern"]),
                    );
                }
                assert.strictEqual((d["defaultCacheBehavior"] as Record<string, unknown>)["originRequestPolicyId"], undefined);
                assert.ok(!JSON.stringify(d).includes(CLOUDFRONT_MANAGED_POLICY_IDS["Managed-AllViewer"]), "the AllViewer policy (which forwards Host) is used nowhere");
            });

            it("shares the API-wide cache policy with a path of the same TTL", async () => {
                const shared = await run(edgeCdnArgs({ apiCacheTtlSeconds: 60, apiPathCaching: [{ pathPattern: "/v1/catalog/*", ttlSeconds: 60 }] }));
                const policy = shared.resources.one(T.cachePolicy, "edge-api-cache");
                assert.deepStrictEqual(
                    (distributionOf(shared.resources)["orderedCacheBehaviors"] as Record<string, unknown>[]).map((b) => [b["pathPattern"], b["cachePolicyId"]]),
                    [
                        ["/v1/catalog/*", policy.id],
                        ["/v1/*", policy.id],
                    ],
                );
            });
        });

        it("applies price class, TLS policy, geo restriction, CSP, WAF limits, origin path and unprotected resources from args", async () => {
            const r = await run(
                edgeCdnArgs({
                    priceClass: "PriceClass_All",
                    minimumProtocolVersion: "TLSv1.3_2025",
                    geoRestriction: { type: "whitelist", locations: ["DE", "FR"] },
                    contentSecurityPolicy: "default-src 'none'",
                    wafRateLimit: 500,
                    wafRateEvaluationWindowSeconds: 60,
                    wafCommonRuleSetCountRules: ["SizeRestrictions_BODY"],
                    apiOrigin: { domainName: "api.example.com", originPath: "/v1" },
                    apiPathPattern: "/orders/*",
                    protectStatefulResources: false,
                    keyDeletionWindowDays: 7,
                    logRetentionDays: 30,
                    alarmActions: [],
                }),
            );
            const d = distributionOf(r.resources);
            assert.strictEqual(d["priceClass"], "PriceClass_All");
            assert.strictEqual((d["viewerCertificate"] as Record<string, unknown>)["minimumProtocolVersion"], "TLSv1.3_2025");
            assert.deepStrictEqual(d["restrictions"], { geoRestriction: { restrictionType: "whitelist", locations: ["DE", "FR"] } });
            assert.strictEqual(originsOf(r.resources)[1]["originPath"], "/v1");
            assert.strictEqual((d["orderedCacheBehaviors"] as Record<string, unknown>[])[0]["pathPattern"], "/orders/*");
            const headers = inputs(r.resources.one(T.headers, "edge-security-headers"))["securityHeadersConfig"] as Record<string, unknown>;
            assert.deepStrictEqual(headers["contentSecurityPolicy"], { contentSecurityPolicy: "default-src 'none'", override: true });
            const rules = inputs(r.resources.one(T.webAcl, "edge-waf"))["rules"] as Record<string, Record<string, Record<string, unknown>>>[];
            assert.deepStrictEqual(rules[1].statement.managedRuleGroupStatement, {
                vendorName: "AWS",
                name: "AWSManagedRulesCommonRuleSet",
                ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }],
            });
            assert.deepStrictEqual(rules[3].statement.rateBasedStatement, { aggregateKeyType: "IP", limit: 500, evaluationWindowSec: 60 });
            for (const [type, name] of [
                [T.bucket, "edge-site"],
                [T.key, "edge-site-key"],
                [T.key, "edge-logs-key"],
            ] as const) {
                assert.strictEqual(r.resources.one(type, name).protect, false, `${type} ${name}`);
            }
            assert.deepStrictEqual(
                r.resources.ofType(T.key).map((k) => [k.name, k.inputs["deletionWindowInDays"]]),
                [
                    ["edge-site-key", 7],
                    ["edge-logs-key", 7],
                ],
            );
            assert.deepStrictEqual(
                r.resources.ofType(T.logGroup).map((g) => [g.name, g.inputs["retentionInDays"]]),
                [
                    ["edge-access-logs", 30],
                    ["edge-waf-logs", 30],
                ],
            );
            const alarm = inputs(r.resources.one(T.alarm, "edge-5xx-rate"));
            assert.deepStrictEqual(alarm["alarmActions"], []);
        });

        it("notifies a topic passed by reference (an AlarmTopic's shape) through its ARN", async () => {
            const topicArn = "arn:aws:sns:us-east-1:123456789012:edge-alarms";
            const r = await run(edgeCdnArgs({ alarmActions: [{ topicArn: pulumi.output(topicArn), region: "us-east-1" }] }));
            const alarm = inputs(r.resources.one(T.alarm, "edge-5xx-rate"));
            assert.deepStrictEqual([alarm["alarmActions"], alarm["okActions"]], [[topicArn], [topicArn]]);
        });

        it("with one alias: a certificate without SANs, one validation record, one A and one AAAA record", async () => {
            const r = await run(edgeCdnArgs({ aliases: ["www.example.com"] }));
            assert.deepStrictEqual(r.resources.one(T.certificate, "edge-cert").inputs, { domainName: "www.example.com", validationMethod: "DNS", region: "us-east-1" });
            assert.deepStrictEqual(
                r.resources
                    .ofType(T.record)
                    .map((x) => x.name)
                    .sort(),
                ["edge-alias-www-example-com-a", "edge-alias-www-example-com-aaaa", "edge-cert-validation-www-example-com"],
            );
        });

        it("shares one validation record between a wildcard certificate name and its apex", async () => {
            const args = edgeCdnArgs({ certificateDomainName: "*.example.com", aliases: ["www.example.com", "example.com", "app.example.com"] });
            assert.deepStrictEqual(certificateNames("*.example.com", args.aliases), ["*.example.com", "example.com"]);
            const r = await run(args);
            assert.deepStrictEqual(r.resources.one(T.certificate, "edge-cert").inputs["subjectAlternativeNames"], ["example.com"]);
            assert.deepStrictEqual(
                r.resources
                    .ofType(T.record)
                    .filter((x) => x.name.startsWith("edge-cert-validation-"))
                    .map((x) => x.name),
                ["edge-cert-validation-wildcard-example-com"],
            );
            // 1 validation record + A and AAAA for 3 aliases.
            assert.deepStrictEqual(
                r.resources
                    .ofType(T.record)
                    .map((x) => x.name)
                    .sort(),
                [
                    "edge-alias-app-example-com-a",
                    "edge-alias-app-example-com-aaaa",
                    "edge-alias-example-com-a",
                    "edge-alias-example-com-aaaa",
                    "edge-alias-www-example-com-a",
                    "edge-alias-www-example-com-aaaa",
                    "edge-cert-validation-wildcard-example-com",
                ],
            );
        });
    });

    describe("validation", () => {
        it("accepts the baseline", () => {
            assert.deepStrictEqual(validateEdgeCdnArgs(edgeCdnArgs()), []);
            assert.deepStrictEqual(validateEdgeCdnArgs(edgeCdnArgsWithOriginVerify()), []);
        });

        it("rejects an alias outside the public zone", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: ["www.example.com", "shop.example.org"] })), [
                'aliases[1] = "shop.example.org": must be within the public zone example.com (its certificate is DNS-validated and its alias records are created there). Fix: use a name ending in ".example.com", or pass the zone that holds shop.example.org',
            ]);
        });

        it("rejects a certificate domain outside the public zone", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ certificateDomainName: "*.example.net" })), [
                'certificateDomainName = "*.example.net": must be within the public zone example.com (ACM DNS validation records are created there). Fix: use a name ending in ".example.com" or the zone apex',
            ]);
        });

        it("rejects a name that only ends with the zone's text (notexample.com)", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: ["notexample.com"] })), [
                'aliases[0] = "notexample.com": must be within the public zone example.com (its certificate is DNS-validated and its alias records are created there). Fix: use a name ending in ".example.com", or pass the zone that holds notexample.com',
            ]);
        });

        it("requires at least one alias, unique aliases and valid names", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: [] })), [
                'aliases = []: must list at least one alternate domain name (the distribution is served on it with the us-east-1 certificate). Fix: add e.g. "www.example.com"',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: ["www.example.com", "www.example.com"] })), [
                'aliases[1] = "www.example.com": must be unique (CloudFront rejects duplicate alternate domain names). Fix: remove the duplicate',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: ["WWW.example.com"] })), [
                'aliases[0] = "WWW.example.com": must be a lowercase domain name, optionally starting with "*.". Fix: use e.g. "www.example.com"',
            ]);
        });

        it("rejects an alias equal to the API's custom domain (its records exist already, and CloudFront would be its own API origin)", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases: ["www.example.com", "api.example.com"] })), [
                'aliases[1] = "api.example.com": must differ from the API\'s custom domain apiOrigin.domainName (api.example.com): that name already has the API\'s A/AAAA records (a second pair fails with "record already exists"), and CloudFront would send API requests back to itself. Fix: serve the CDN on another name (e.g. "www.example.com"), or give the API another domain',
            ]);
        });

        it("names arguments through keyOf, in keys and in messages", () => {
            const keyOf = (path: string) => `cfg:${path.replace(/\./g, "_")}`;
            assert.deepStrictEqual(
                validateEdgeCdnArgs(edgeCdnArgs({ aliases: ["api.example.com"], geoRestriction: { type: "none", locations: ["XX"] } }), keyOf).map(formatProblem),
                [
                    'cfg:aliases[0] = "api.example.com": must differ from the API\'s custom domain cfg:apiOrigin_domainName (api.example.com): that name already has the API\'s A/AAAA records (a second pair fails with "record already exists"), and CloudFront would send API requests back to itself. Fix: serve the CDN on another name (e.g. "www.example.com"), or give the API another domain',
                    'cfg:geoRestriction_locations[0] = "XX": must be an ISO 3166-1 alpha-2 country code (two capital letters, officially assigned). Fix: use e.g. DE, US, GB',
                    'cfg:geoRestriction_locations = ["XX"]: must be empty when cfg:geoRestriction_type is none. Fix: make the restriction type and the locations agree',
                ],
            );
        });

        it("rejects more names than one ACM certificate holds by default", () => {
            const aliases = Array.from({ length: 11 }, (_, i) => `h${i}.example.com`);
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases })), [
                `aliases = ${JSON.stringify(aliases).slice(0, 117)}...: need 11 names on one ACM certificate; ACM allows 10 by default. Fix: cover them with a wildcard name (e.g. "*.example.com", as an alias or the certificate domain name); more names need a raised ACM quota and ACM_MAX_NAMES_PER_CERTIFICATE raised with it`,
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ aliases, certificateDomainName: "*.example.com" })), []);
        });

        it("rejects a price class that does not exist", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ priceClass: "PriceClass_300" })), [
                'priceClass = "PriceClass_300": must be one of PriceClass_100, PriceClass_200, PriceClass_All. Fix: pick one of the CloudFront price classes',
            ]);
        });

        for (const version of ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019"]) {
            it(`rejects minimum TLS ${version} and names the allowed set`, () => {
                assert.deepStrictEqual(messages(edgeCdnArgs({ minimumProtocolVersion: version })), [
                    `minimumProtocolVersion = "${version}": is older than TLSv1.2_2021 (it accepts TLS 1.0/1.1 or obsolete TLS 1.2 ciphers); allowed: TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025. Fix: set "TLSv1.2_2021" or newer`,
                ]);
            });
        }

        it("rejects an unknown TLS policy name", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ minimumProtocolVersion: "TLSv1.3" })), [
                'minimumProtocolVersion = "TLSv1.3": is not a CloudFront viewer security policy; allowed: TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025. Fix: set "TLSv1.2_2021" or newer',
            ]);
        });

        it("rejects geo codes that are not ISO 3166-1 alpha-2, and a type that disagrees with the locations", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ geoRestriction: { type: "blacklist", locations: ["RU", "XX", "de"] } })), [
                'geoRestriction.locations[1] = "XX": must be an ISO 3166-1 alpha-2 country code (two capital letters, officially assigned). Fix: use e.g. DE, US, GB',
                'geoRestriction.locations[2] = "de": must be an ISO 3166-1 alpha-2 country code (two capital letters, officially assigned). Fix: use e.g. DE, US, GB',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ geoRestriction: { type: "whitelist" } })), [
                "geoRestriction.locations = []: must list at least one country for a whitelist. Fix: make the restriction type and the locations agree",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ geoRestriction: { type: "none", locations: ["DE"] } })), [
                'geoRestriction.locations = ["DE"]: must be empty when geoRestriction.type is none. Fix: make the restriction type and the locations agree',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ geoRestriction: { type: "allowlist", locations: ["DE"] } })), [
                'geoRestriction.type = "allowlist": must be one of none, whitelist, blacklist. Fix: use none, whitelist (allow only the listed countries) or blacklist (block them)',
            ]);
        });

        it("accepts exactly the 249 assigned ISO 3166-1 alpha-2 codes, each a region Node's ICU names", () => {
            assert.strictEqual(ISO_COUNTRY_CODES.size, 249);
            const names = new Intl.DisplayNames(["en"], { type: "region" });
            for (const code of ISO_COUNTRY_CODES) {
                assert.match(code, /^[A-Z]{2}$/);
                // ICU falls back to the code itself for a region it does not know.
                assert.notStrictEqual(names.of(code), code, code);
            }
            // Reserved or non-country codes ICU still names: not ISO 3166-1 assignments.
            for (const code of ["EU", "UN", "XK", "UK"]) {
                assert.ok(!ISO_COUNTRY_CODES.has(code), code);
            }
            assert.deepStrictEqual(messages(edgeCdnArgs({ geoRestriction: { type: "blacklist", locations: [...ISO_COUNTRY_CODES] } })), []);
        });

        it("rejects a WAF rate outside 10-2,000,000 and an unknown evaluation window", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ wafRateLimit: 5 })), [
                "wafRateLimit = 5: must be an integer from 10 to 2,000,000 requests per client IP per evaluation window. Fix: set a limit within range, e.g. 2000",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ wafRateLimit: 2_000_001 })), [
                "wafRateLimit = 2000001: must be an integer from 10 to 2,000,000 requests per client IP per evaluation window. Fix: set a limit within range, e.g. 2000",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ wafRateLimit: 10 })), []);
            assert.deepStrictEqual(messages(edgeCdnArgs({ wafRateEvaluationWindowSeconds: 30 })), [
                "wafRateEvaluationWindowSeconds = 30: must be one of 60, 120, 300, 600 (WAF evaluation windows). Fix: use 300",
            ]);
        });

        it("rejects an API cache TTL outside 0-3600", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiCacheTtlSeconds: 3601 })), [
                "apiCacheTtlSeconds = 3601: must be an integer from 0 (caching disabled) to 3600 seconds. Fix: use 0, or a short TTL such as 60",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiCacheTtlSeconds: -1 })), [
                "apiCacheTtlSeconds = -1: must be an integer from 0 (caching disabled) to 3600 seconds. Fix: use 0, or a short TTL such as 60",
            ]);
        });

        it("rejects per-path caching outside the API's pattern, duplicated, with a TTL outside 0-3600, or beyond 25 behaviors", () => {
            assert.deepStrictEqual(
                messages(
                    edgeCdnArgs({
                        apiPathCaching: [
                            { pathPattern: "/catalog/*", ttlSeconds: 60 },
                            { pathPattern: "/v1/*", ttlSeconds: 60 },
                            { pathPattern: "/v1/catalog/*", ttlSeconds: 60 },
                            { pathPattern: "/v1/catalog/*", ttlSeconds: 3601 },
                        ],
                    }),
                ),
                [
                    'apiPathCaching[0].pathPattern = "/catalog/*": must be a CloudFront path pattern (path characters, * and ?, at most 255) below the API\'s /v1/*, other than /v1/* itself. Fix: use e.g. "/v1/catalog/*"',
                    'apiPathCaching[1].pathPattern = "/v1/*": must be a CloudFront path pattern (path characters, * and ?, at most 255) below the API\'s /v1/*, other than /v1/* itself. Fix: use e.g. "/v1/catalog/*"',
                    'apiPathCaching[3].pathPattern = "/v1/catalog/*": must be unique (CloudFront rejects two cache behaviors with one path pattern). Fix: remove the duplicate',
                    "apiPathCaching[3].ttlSeconds = 3601: must be an integer from 0 (caching disabled) to 3600 seconds. Fix: use a short TTL such as 60, or 0",
                ],
            );
            const many = Array.from({ length: 25 }, (_, i) => ({ pathPattern: `/v1/p${i}/*`, ttlSeconds: 60 }));
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiPathCaching: many.slice(0, 24) })), []);
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiPathCaching: many })), [
                `apiPathCaching = ${show(many.map((p) => p.pathPattern))}: with the API's own behavior make 26 cache behaviors; CloudFront allows 25 per distribution by default. Fix: cache fewer paths separately (a shared prefix pattern covers several), or raise the CloudFront quota and CLOUDFRONT_MAX_CACHE_BEHAVIORS with it`,
            ]);
        });

        it("rejects an API path pattern that does not reach the API's base path mapping", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiPathPattern: "/api/*" })), [
                'apiPathPattern = "/api/*": sends requests to the origin as /api/..., whose first segment "api" is not the API\'s base path mapping "v1", so API Gateway would answer 403. Fix: set apiPathPattern to "/v1/*" (and leave originPath unset), or map the API at "api"',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", basePath: "v1", originPath: "/v1" }, apiPathPattern: "/api/*" })), []);
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiPathPattern: "/*" })), [
                'apiPathPattern = "/*": must be a path prefix pattern "/<segment>[/<segment>...]/*" of at most 255 characters ("/*" is the static site\'s default behavior). Fix: use e.g. "/api/*"',
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", originPath: "/v1/" } })), [
                'apiOrigin.originPath = "/v1/": must start with "/", must not end with "/", and use path characters only (CloudFront origin path). Fix: use e.g. "/v1", or leave it unset',
            ]);
        });

        it("rejects an origin-verify header CloudFront cannot set, and a short secret", () => {
            assert.deepStrictEqual(
                messages(edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", originVerify: { headerName: "X-Amz-Verify", value: pulumi.secret(EDGE_ORIGIN_SECRET) } } })),
                [
                    'apiOrigin.originVerify.headerName = "X-Amz-Verify": must be a header name (letters, digits, hyphens) that CloudFront may add to origin requests (not Host, Cookie, Via, X-Amz-*, X-Edge-*, ...). Fix: use e.g. "X-Origin-Verify"',
                ],
            );
            assert.deepStrictEqual(messages(edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", originVerify: { headerName: "Host", value: EDGE_ORIGIN_SECRET } } })), [
                'apiOrigin.originVerify.headerName = "Host": must be a header name (letters, digits, hyphens) that CloudFront may add to origin requests (not Host, Cookie, Via, X-Amz-*, X-Edge-*, ...). Fix: use e.g. "X-Origin-Verify"',
            ]);
            const short = messages(edgeCdnArgs({ apiOrigin: { domainName: "api.example.com", originVerify: { headerName: "X-Origin-Verify", value: "short" } } }));
            assert.deepStrictEqual(short, [
                'apiOrigin.originVerify.value = "(secret, not shown)": must be 32-1783 characters long (got 5): a short shared secret can be guessed. Fix: generate it with random.RandomPassword (length 48, no special characters)',
            ]);
            assert.ok(!short[0].includes('short"'), "the secret itself is never printed");
        });

        it("rejects alarm actions outside us-east-1: plain ARNs by their Region field, topic references by their known Region", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alarms"] })), [
                'alarmActions[0] = "arn:aws:sns:eu-west-1:123456789012:alarms": must be an ARN in us-east-1: CloudFront metrics and therefore its alarms live there, and CloudWatch alarm actions must be in the alarm\'s Region. Fix: use an SNS topic created with region "us-east-1"',
            ]);
            const topicArn = pulumi.output(EDGE_ALARM_TOPIC);
            assert.deepStrictEqual(messages(edgeCdnArgs({ alarmActions: [{ topicArn, region: "us-east-1" }] })), []);
            assert.deepStrictEqual(messages(edgeCdnArgs({ alarmActions: [EDGE_ALARM_TOPIC, { topicArn, region: "eu-west-1" }, { topicArn, region: undefined }] })), [
                'alarmActions[1] = "a topic in eu-west-1": must be a topic in us-east-1: CloudFront metrics and therefore its alarms live there, and CloudWatch alarm actions must be in the alarm\'s Region. Fix: use an SNS topic created with region "us-east-1"',
                'alarmActions[2] = "a topic in an unknown Region": must be a topic in us-east-1: CloudFront metrics and therefore its alarms live there, and CloudWatch alarm actions must be in the alarm\'s Region. Fix: use an SNS topic created with region "us-east-1"',
            ]);
        });

        it("rejects weak response headers and bad retention, threshold and key settings", () => {
            assert.deepStrictEqual(messages(edgeCdnArgs({ hstsMaxAgeSeconds: 86_400 })), [
                "hstsMaxAgeSeconds = 86400: must be an integer of at least 31536000 (one year, required for HSTS preload). Fix: use 63072000 (two years)",
            ]);
            const cspRule = "must be a non-empty single-line header value of at most 1783 characters (CloudFront limit). Fix: write the policy on one line and shorten it";
            assert.deepStrictEqual(messages(edgeCdnArgs({ contentSecurityPolicy: "default-src 'self';\nscript-src 'self'" })), [
                `contentSecurityPolicy = "default-src 'self';\\nscript-src 'self'": ${cspRule}`,
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ contentSecurityPolicy: "x".repeat(1784) })), [`contentSecurityPolicy = "${"x".repeat(1784)}": ${cspRule}`]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ contentSecurityPolicy: "x".repeat(1783) })), []);
            assert.deepStrictEqual(messages(edgeCdnArgs({ logRetentionDays: 100 })), [
                "logRetentionDays = 100: must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Fix: use e.g. 365",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ errorRateThresholdPercent: 0 })), [
                "errorRateThresholdPercent = 0: must be a percentage above 0 and at most 100. Fix: use e.g. 5",
            ]);
            assert.deepStrictEqual(messages(edgeCdnArgs({ keyDeletionWindowDays: 5 })), [
                "keyDeletionWindowDays = 5: must be an integer from 7 to 30 days (KMS limit). Fix: use 30",
            ]);
        });

        it("throws one ValidationError listing every problem before creating any resource", async () => {
            const args = edgeCdnArgs({ aliases: ["www.example.org"], priceClass: "PriceClass_300", minimumProtocolVersion: "TLSv1.2_2019" });
            const registered: RecordedResource[] = [];
            await assert.rejects(
                runOnMocks(() => new EdgeCdn("edge", args), { onResource: (resource) => registered.push(resource) }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepStrictEqual(
                        err.problems.map((p) => p.key),
                        ["aliases[0]", "priceClass", "minimumProtocolVersion"],
                    );
                    assert.match(err.message, /^EdgeCdn "edge": 3 problems found:\n {2}1\. aliases\[0\] = "www\.example\.org": must be within the public zone example\.com/);
                    return true;
                },
            );
            assert.deepStrictEqual(
                registered.filter((x) => x.custom).map((x) => x.type),
                [],
                "no cloud resource is registered",
            );
        });
    });
});
