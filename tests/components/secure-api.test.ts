import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCESS_LOG_FORMAT,
    ANY_METHODS,
    EVENT_REQUEST_SCHEMA,
    ORIGIN_VERIFY_HEADER,
    PUBLIC_METHODS,
    PUT_EVENTS_RESPONSE_TEMPLATE,
    SecureApi,
    SecureApiArgs,
    consumerScopes,
    planServiceRoutes,
    privateIntegrationPath,
    userClientScopes,
    validateSecureApiArgs,
} from "../../components/secure-api";
import { ValidationError, formatProblem } from "../../config/problems";
import { PolicyStatement } from "../../lib/iam";
import {
    ALARM_TOPIC_ARN,
    ALB_ARN,
    API_KEY_ARNS,
    BUS_ARN,
    BUS_NAME,
    CHAIN_4_PEM,
    CHAIN_5_PEM,
    CLIENT_SG,
    FIXTURE_ACCOUNT,
    FIXTURE_REGION,
    PRIVATE_SUBNETS,
    SHA1_SIGNED_PEM,
    TRUSTSTORE_PEM,
    ZONE_ID,
    catalogApiService,
    ordersApiService,
    secureApiArgs,
    secureApiFullArgs,
} from "../fixtures/secure-api";
import { Recorded, RecordedResource, RunOptions, policyDocument, record, resolveOutput } from "../support/harness";

const T = {
    restApi: "aws:apigateway/restApi:RestApi",
    resource: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    integration: "aws:apigateway/integration:Integration",
    methodResponse: "aws:apigateway/methodResponse:MethodResponse",
    integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
    authorizer: "aws:apigateway/authorizer:Authorizer",
    deployment: "aws:apigateway/deployment:Deployment",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    model: "aws:apigateway/model:Model",
    validator: "aws:apigateway/requestValidator:RequestValidator",
    domain: "aws:apigateway/domainName:DomainName",
    basePath: "aws:apigateway/basePathMapping:BasePathMapping",
    usagePlan: "aws:apigateway/usagePlan:UsagePlan",
    apiKey: "aws:apigateway/apiKey:ApiKey",
    usagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    account: "aws:apigateway/account:Account",
    vpcLink: "aws:apigatewayv2/vpcLink:VpcLink",
    userPool: "aws:cognito/userPool:UserPool",
    userPoolDomain: "aws:cognito/userPoolDomain:UserPoolDomain",
    resourceServer: "aws:cognito/resourceServer:ResourceServer",
    client: "aws:cognito/userPoolClient:UserPoolClient",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    webAclLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    logPolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    bucket: "aws:s3/bucket:Bucket",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketOwnership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    password: "random:index/randomPassword:RandomPassword",
} as const;

interface Built {
    value: SecureApi;
    resources: Recorded;
}

async function build(args: SecureApiArgs = secureApiArgs(), options: RunOptions = {}): Promise<Built> {
    const { value, resources } = await record(() => new SecureApi("api", args), options);
    return { value, resources };
}

function statementsOf(resource: RecordedResource, field = "policy"): PolicyStatement[] {
    return policyDocument(resource.inputs[field]).Statement as unknown as PolicyStatement[];
}

function problemsOf(args: SecureApiArgs): string[] {
    return validateSecureApiArgs(args).list.map(formatProblem);
}

/** The mocked provider id of a resource (what other resources receive as its `id`). */
function idOf(resource: RecordedResource): string {
    assert.ok(resource.id !== undefined, `${resource.name} has an id`);
    return resource.id;
}

const SERVICE_PATHS = ["/orders", "/orders/{proxy+}", "/orders/health", "/catalog", "/catalog/{proxy+}"];

describe("SecureApi", function () {
    let baseline: Built;
    let full: Built;

    before(async function () {
        baseline = await build();
        full = await build(secureApiFullArgs());
    });

    describe("baseline", function () {
        it("accepts the compliant baseline and the full variant without problems", function () {
            assert.deepStrictEqual(problemsOf(secureApiArgs()), []);
            assert.deepStrictEqual(problemsOf(secureApiFullArgs()), []);
        });

        it("creates exactly the expected resources (two services, async route, no domain)", function () {
            assert.deepStrictEqual(
                sorted(baseline.resources.countByType()),
                sorted({
                    "pulumi:pulumi:Stack": 1,
                    "platform:api:SecureApi": 1,
                    [T.userPool]: 1,
                    [T.userPoolDomain]: 1,
                    [T.resourceServer]: 1,
                    // no usage plans, no callback URLs: no app client at all
                    [T.restApi]: 1,
                    [T.authorizer]: 1,
                    [T.vpcLink]: 1,
                    // 5 service resources + /events + /events/{detailType}
                    [T.resource]: 7,
                    // ANY on the 5 service resources, GET and HEAD on /orders/health, POST /events/{detailType}
                    [T.method]: 8,
                    [T.integration]: 8,
                    [T.methodResponse]: 2,
                    [T.integrationResponse]: 2,
                    [T.model]: 1,
                    [T.validator]: 1,
                    [T.role]: 1,
                    [T.rolePolicy]: 1,
                    [T.deployment]: 1,
                    [T.stage]: 1,
                    // */* + orders' throttle override on 3 resources x 7 methods
                    [T.methodSettings]: 22,
                    [T.logGroup]: 2,
                    [T.logPolicy]: 1,
                    [T.webAcl]: 1,
                    [T.webAclAssociation]: 1,
                    [T.webAclLogging]: 1,
                    [T.alarm]: 2,
                }),
            );
        });

        it("creates exactly the expected resources with domain, mTLS, usage plans, cache and a user client", function () {
            assert.deepStrictEqual(
                sorted(full.resources.countByType()),
                sorted({
                    "pulumi:pulumi:Stack": 1,
                    "platform:api:SecureApi": 1,
                    [T.userPool]: 1,
                    [T.userPoolDomain]: 1,
                    [T.resourceServer]: 1,
                    // the user client + one client per consumer (acme, globex, reporting)
                    [T.client]: 4,
                    [T.restApi]: 1,
                    [T.authorizer]: 1,
                    [T.vpcLink]: 1,
                    [T.resource]: 7,
                    [T.method]: 8,
                    [T.integration]: 8,
                    [T.methodResponse]: 2,
                    [T.integrationResponse]: 2,
                    [T.model]: 1,
                    [T.validator]: 1,
                    [T.role]: 1,
                    [T.rolePolicy]: 1,
                    [T.deployment]: 1,
                    [T.stage]: 1,
                    // 22 as in the baseline + catalog GET on /catalog and /catalog/{proxy+}
                    [T.methodSettings]: 24,
                    [T.logGroup]: 2,
                    [T.logPolicy]: 1,
                    [T.webAcl]: 1,
                    [T.webAclAssociation]: 1,
                    [T.webAclLogging]: 1,
                    [T.alarm]: 2,
                    [T.cert]: 1,
                    [T.certValidation]: 1,
                    // certificate validation + A + AAAA
                    [T.record]: 3,
                    [T.domain]: 1,
                    [T.basePath]: 1,
                    [T.bucket]: 1,
                    [T.bucketOwnership]: 1,
                    [T.bucketPab]: 1,
                    [T.bucketVersioning]: 1,
                    [T.bucketEncryption]: 1,
                    [T.bucketPolicy]: 1,
                    [T.object]: 1,
                    [T.usagePlan]: 2,
                    [T.apiKey]: 3,
                    [T.usagePlanKey]: 3,
                }),
            );
        });

        it("protects and retains the user pool and the truststore bucket only when asked", async function () {
            const stateful = (b: Built) => b.resources.all.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name);
            assert.deepStrictEqual(stateful(full), []);
            const r = await build(secureApiFullArgs({ protect: true }));
            assert.deepStrictEqual(stateful(r).sort(), ["api-truststore", "api-users"]);
            for (const name of ["api-truststore", "api-users"]) {
                const x = r.resources.named(name);
                assert.ok(x.protect && x.retainOnDelete, name);
            }
        });

        it("parents every resource to the component", function () {
            const component = baseline.resources.one("platform:api:SecureApi");
            for (const r of baseline.resources.all.filter((x) => x.custom)) {
                assert.strictEqual(r.parent, component.urn, `${r.name} is a child of the component`);
            }
        });
    });

    describe("REST API and routes", function () {
        it("creates a Regional dual-stack REST API with TLS 1.2 and the execute-api endpoint on (no custom domain)", function () {
            const api = baseline.resources.one(T.restApi);
            assert.deepStrictEqual(api.inputs, {
                name: "platform-test-api",
                description: "Platform API (api)",
                endpointConfiguration: { types: "REGIONAL", ipAddressType: "dualstack" },
                disableExecuteApiEndpoint: false,
                securityPolicy: "TLS_1_2",
                apiKeySource: "HEADER",
            });
        });

        it("names the API <project>-<stack>-<component> by default (the ApiName metric dimension)", async function () {
            const r = await build(secureApiArgs({ apiName: undefined }), { stack: "staging" });
            assert.strictEqual(r.resources.one(T.restApi).inputs.name, "platform-staging-api");
            assert.strictEqual((r.resources.one(T.alarm, "api-latency-p99").inputs.dimensions as Record<string, string>).ApiName, "platform-staging-api");
            assert.strictEqual(r.resources.one(T.logGroup, "api-waf-logs").inputs.namePrefix, "aws-waf-logs-platform-staging-api-");
        });

        it("generates /<basePath>, /<basePath>/{proxy+} and the public paths per service, under the right parents", function () {
            const api = baseline.resources.one(T.restApi);
            const resources = baseline.resources.ofType(T.resource);
            const byPath = new Map(resources.map((r) => [r.name.replace(/^api-resource/, ""), r]));
            assert.deepStrictEqual([...byPath.keys()].sort(), [...SERVICE_PATHS, "/events", "/events/{detailType}"].sort());
            const expectParent = (path: string, parent: string | undefined, part: string) => {
                const r = byPath.get(path) as RecordedResource;
                const parentId = parent === undefined ? api.state.rootResourceId : idOf(byPath.get(parent) as RecordedResource);
                assert.deepStrictEqual(r.inputs, { restApi: idOf(api), parentId, pathPart: part }, path);
            };
            expectParent("/orders", undefined, "orders");
            expectParent("/orders/{proxy+}", "/orders", "{proxy+}");
            expectParent("/orders/health", "/orders", "health");
            expectParent("/catalog", undefined, "catalog");
            expectParent("/catalog/{proxy+}", "/catalog", "{proxy+}");
            expectParent("/events", undefined, "events");
            expectParent("/events/{detailType}", "/events", "{detailType}");
        });

        it("protects every service method with the Cognito authorizer and exactly the service's scopes; only GET and HEAD of the public path use NONE", function () {
            const authorizerId = idOf(baseline.resources.one(T.authorizer));
            const orders = { authorization: "COGNITO_USER_POOLS", authorizerId, authorizationScopes: ["api/orders.read", "api/orders.write"], apiKeyRequired: false };
            const catalog = { authorization: "COGNITO_USER_POOLS", authorizerId, authorizationScopes: ["api/catalog.read"], apiKeyRequired: false };
            const proxy = { requestParameters: { "method.request.path.proxy": true } };
            const expected: Record<string, Record<string, unknown>> = {
                "ANY/orders": orders,
                "ANY/orders/{proxy+}": { ...orders, ...proxy },
                "GET/orders/health": { authorization: "NONE", apiKeyRequired: false },
                "HEAD/orders/health": { authorization: "NONE", apiKeyRequired: false },
                // POST, PUT, DELETE... on the public path still need a token
                "ANY/orders/health": orders,
                "ANY/catalog": catalog,
                "ANY/catalog/{proxy+}": { ...catalog, ...proxy },
            };
            const api = idOf(baseline.resources.one(T.restApi));
            const serviceMethods = baseline.resources.ofType(T.method).filter((m) => !m.name.includes("/events"));
            assert.deepStrictEqual(serviceMethods.map((m) => m.name.replace(/^api-method-/, "")).sort(), Object.keys(expected).sort());
            for (const [key, inputs] of Object.entries(expected)) {
                const [verb, ...rest] = key.split("/");
                const path = `/${rest.join("/")}`;
                const method = baseline.resources.one(T.method, `api-method-${key}`);
                const resource = baseline.resources.one(T.resource, `api-resource${path}`);
                assert.deepStrictEqual(method.inputs, { restApi: api, resourceId: idOf(resource), httpMethod: verb, ...inputs }, key);
            }
            assert.deepStrictEqual(PUBLIC_METHODS, ["GET", "HEAD"]);
        });

        it("integrates every service method privately: VPC link v2, integrationTarget = the ALB ARN, HTTPS to the service host, the backend path set segment by segment", function () {
            const vpcLinkId = idOf(baseline.resources.one(T.vpcLink));
            const api = idOf(baseline.resources.one(T.restApi));
            const segment = (i: number, value: string) => ({ [`integration.request.path.segment${i}`]: `'${value}'` });
            const proxy = { "integration.request.path.proxy": "method.request.path.proxy" };
            const expected: Record<string, { uri: string; requestParameters: Record<string, string> }> = {
                "ANY/orders": { uri: "https://orders.internal.example.com/{segment0}", requestParameters: segment(0, "orders") },
                "ANY/orders/{proxy+}": { uri: "https://orders.internal.example.com/{segment0}/{proxy}", requestParameters: { ...segment(0, "orders"), ...proxy } },
                "GET/orders/health": {
                    uri: "https://orders.internal.example.com/{segment0}/{segment1}",
                    requestParameters: { ...segment(0, "orders"), ...segment(1, "health") },
                },
                "HEAD/orders/health": {
                    uri: "https://orders.internal.example.com/{segment0}/{segment1}",
                    requestParameters: { ...segment(0, "orders"), ...segment(1, "health") },
                },
                "ANY/orders/health": {
                    uri: "https://orders.internal.example.com/{segment0}/{segment1}",
                    requestParameters: { ...segment(0, "orders"), ...segment(1, "health") },
                },
                "ANY/catalog": { uri: "https://catalog.internal.example.com/{segment0}", requestParameters: segment(0, "catalog") },
                "ANY/catalog/{proxy+}": { uri: "https://catalog.internal.example.com/{segment0}/{proxy}", requestParameters: { ...segment(0, "catalog"), ...proxy } },
            };
            const proxies = baseline.resources.ofType(T.integration).filter((i) => i.inputs.connectionType === "VPC_LINK");
            assert.deepStrictEqual(proxies.map((i) => i.name.replace(/^api-integration-/, "")).sort(), Object.keys(expected).sort());
            for (const [key, { uri, requestParameters }] of Object.entries(expected)) {
                const [verb, ...rest] = key.split("/");
                const integration = baseline.resources.one(T.integration, `api-integration-${key}`);
                const resource = baseline.resources.one(T.resource, `api-resource/${rest.join("/")}`);
                assert.deepStrictEqual(
                    integration.inputs,
                    {
                        restApi: api,
                        resourceId: idOf(resource),
                        httpMethod: verb,
                        type: "HTTP_PROXY",
                        integrationHttpMethod: verb,
                        connectionType: "VPC_LINK",
                        connectionId: vpcLinkId,
                        integrationTarget: ALB_ARN,
                        uri,
                        timeoutMilliseconds: 29000,
                        requestParameters,
                    },
                    key,
                );
                assert.ok(!String(integration.inputs.uri).includes("v1") && !JSON.stringify(requestParameters).includes("v1"), `${key}: the stage name never reaches the backend`);
                assert.ok(!("tlsConfig" in integration.inputs), "the ALB's public ACM certificate is verified (no insecureSkipVerification)");
            }
        });

        it("maps every backend path segment as an integration path parameter (the documented override of the request path)", function () {
            assert.deepStrictEqual(privateIntegrationPath({ backendPath: "/orders/status/live", greedy: false }), {
                uriPath: "/{segment0}/{segment1}/{segment2}",
                requestParameters: {
                    "integration.request.path.segment0": "'orders'",
                    "integration.request.path.segment1": "'status'",
                    "integration.request.path.segment2": "'live'",
                },
            });
            assert.deepStrictEqual(privateIntegrationPath({ backendPath: "/orders/status/{proxy}", greedy: true }), {
                uriPath: "/{segment0}/{segment1}/{proxy}",
                requestParameters: {
                    "integration.request.path.segment0": "'orders'",
                    "integration.request.path.segment1": "'status'",
                    "integration.request.path.proxy": "method.request.path.proxy",
                },
            });
        });

        it("creates the VPC link v2 in the private subnets with the ALB's client security group", function () {
            assert.deepStrictEqual(baseline.resources.one(T.vpcLink).inputs, { subnetIds: PRIVATE_SUBNETS, securityGroupIds: [CLIENT_SG] });
        });

        it("plans nested public paths with protected intermediates that keep their own {proxy+}", function () {
            const routes = planServiceRoutes(ordersApiService({ publicPaths: ["status/live", "health"] }));
            assert.deepStrictEqual(
                routes.map((r) => [r.path, r.parentPath, r.isPublic ? "NONE" : "COGNITO", r.backendPath]),
                [
                    ["/orders", "/", "COGNITO", "/orders"],
                    ["/orders/health", "/orders", "NONE", "/orders/health"],
                    ["/orders/status", "/orders", "COGNITO", "/orders/status"],
                    ["/orders/{proxy+}", "/orders", "COGNITO", "/orders/{proxy}"],
                    ["/orders/status/live", "/orders/status", "NONE", "/orders/status/live"],
                    ["/orders/status/{proxy+}", "/orders/status", "COGNITO", "/orders/status/{proxy}"],
                ],
            );
        });
    });

    describe("authentication", function () {
        it("creates the Cognito authorizer on the user pool, reading the Authorization header", function () {
            const pool = baseline.resources.one(T.userPool);
            assert.deepStrictEqual(baseline.resources.one(T.authorizer).inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                name: "cognito",
                type: "COGNITO_USER_POOLS",
                providerArns: [pool.state.arn],
                identitySource: "method.request.header.Authorization",
                authorizerResultTtlInSeconds: 300,
            });
        });

        it("configures the user pool: strong passwords, MFA ON with TOTP, PLUS tier with ENFORCED threat protection, deletion protection, email recovery", function () {
            assert.deepStrictEqual(baseline.resources.one(T.userPool).inputs, {
                usernameAttributes: ["email"],
                autoVerifiedAttributes: ["email"],
                usernameConfiguration: { caseSensitive: false },
                userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
                adminCreateUserConfig: { allowAdminCreateUserOnly: true },
                passwordPolicy: {
                    minimumLength: 14,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    temporaryPasswordValidityDays: 3,
                    passwordHistorySize: 12,
                },
                mfaConfiguration: "ON",
                softwareTokenMfaConfiguration: { enabled: true },
                userPoolTier: "PLUS",
                userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
                deletionProtection: "ACTIVE",
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
            });
        });

        it("drops the software-token block with MFA OFF and the add-ons on the ESSENTIALS tier without threat protection", async function () {
            const r = await build(
                secureApiArgs({ auth: { domainPrefix: "platform-test-auth", mfa: "OFF", userPoolTier: "ESSENTIALS", threatProtection: "OFF", deletionProtection: false } }),
            );
            const pool = r.resources.one(T.userPool).inputs;
            assert.strictEqual(pool.mfaConfiguration, "OFF");
            assert.strictEqual(pool.userPoolTier, "ESSENTIALS");
            assert.strictEqual(pool.deletionProtection, "INACTIVE");
            assert.ok(!("softwareTokenMfaConfiguration" in pool) && !("userPoolAddOns" in pool));
            assert.ok(!("passwordHistorySize" in (pool.passwordPolicy as Record<string, unknown>)));
        });

        it("creates the Cognito domain and one resource server with the union of every service's scopes and the events scope", function () {
            const poolId = idOf(baseline.resources.one(T.userPool));
            assert.deepStrictEqual(baseline.resources.one(T.userPoolDomain).inputs, { domain: "platform-test-auth", userPoolId: poolId });
            // A pool has one prefix domain: a new prefix replaces it delete-first.
            assert.strictEqual(baseline.resources.one(T.userPoolDomain).deleteBeforeReplace, true);
            assert.deepStrictEqual(baseline.resources.one(T.resourceServer).inputs, {
                userPoolId: poolId,
                identifier: "api",
                name: "platform-test-api",
                scopes: [
                    { scopeName: "catalog.read", scopeDescription: "catalog.read: required by catalog" },
                    { scopeName: "events.write", scopeDescription: "events.write: required by POST /events" },
                    { scopeName: "orders.read", scopeDescription: "orders.read: required by orders" },
                    { scopeName: "orders.write", scopeDescription: "orders.write: required by orders" },
                ],
            });
        });

        const tokenSettings = {
            accessTokenValidity: 60,
            idTokenValidity: 60,
            refreshTokenValidity: 30,
            tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
            preventUserExistenceErrors: "ENABLED",
            enableTokenRevocation: true,
        };

        it("creates no app client without usage plans or callback URLs: no shared machine credentials", function () {
            assert.deepStrictEqual(baseline.resources.ofType(T.client), []);
            assert.deepStrictEqual(baseline.value.consumerClientIds, {});
        });

        it("creates one client-credentials client per consumer, with a secret and only its plan's scopes", function () {
            const machine = (scopes: string[]) => ({
                userPoolId: idOf(full.resources.one(T.userPool)),
                generateSecret: true,
                allowedOauthFlowsUserPoolClient: true,
                allowedOauthFlows: ["client_credentials"],
                allowedOauthScopes: scopes,
                explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
                supportedIdentityProviders: ["COGNITO"],
                ...tokenSettings,
            });
            assert.deepStrictEqual(
                full.resources
                    .ofType(T.client)
                    .map((c) => c.name)
                    .sort(),
                ["api-client-acme", "api-client-globex", "api-client-reporting", "api-user-client"],
            );
            // partners cover orders: orders' scopes; internal lists its scopes explicitly.
            assert.deepStrictEqual(full.resources.one(T.client, "api-client-acme").inputs, machine(["api/orders.read", "api/orders.write"]));
            assert.deepStrictEqual(full.resources.one(T.client, "api-client-globex").inputs, machine(["api/orders.read", "api/orders.write"]));
            assert.deepStrictEqual(full.resources.one(T.client, "api-client-reporting").inputs, machine(["api/catalog.read"]));
            const resourceServer = full.resources.one(T.resourceServer);
            for (const consumer of ["acme", "globex", "reporting"]) {
                assert.ok(full.resources.one(T.client, `api-client-${consumer}`).dependencies.includes(resourceServer.urn), `${consumer}'s client waits for the scopes`);
            }
        });

        it("derives a consumer's scopes from what its plan covers: services' scopes plus the events scope", function () {
            const args = secureApiArgs();
            assert.deepStrictEqual(consumerScopes({ name: "p", consumers: ["x"], services: ["catalog"], asyncEvents: true, rateLimit: 1, burstLimit: 1 }, args), [
                "catalog.read",
                "events.write",
            ]);
            assert.deepStrictEqual(consumerScopes({ name: "p", consumers: ["x"], services: ["orders", "catalog"], rateLimit: 1, burstLimit: 1 }, args), [
                "catalog.read",
                "orders.read",
                "orders.write",
            ]);
            assert.deepStrictEqual(consumerScopes({ name: "p", consumers: ["x"], services: ["orders"], scopes: ["orders.read"], rateLimit: 1, burstLimit: 1 }, args), [
                "orders.read",
            ]);
        });

        it("creates a public user client for the authorization-code flow (PKCE, no secret) with the callback URLs and the services' scopes, not the async route's", function () {
            assert.deepStrictEqual(userClientScopes(secureApiArgs()), ["catalog.read", "orders.read", "orders.write"]);
            assert.deepStrictEqual(full.resources.one(T.client, "api-user-client").inputs, {
                userPoolId: idOf(full.resources.one(T.userPool)),
                generateSecret: false,
                allowedOauthFlowsUserPoolClient: true,
                allowedOauthFlows: ["code"],
                allowedOauthScopes: ["openid", "email", "api/catalog.read", "api/orders.read", "api/orders.write"],
                callbackUrls: ["https://app.example.com/callback"],
                logoutUrls: ["https://app.example.com/"],
                explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                supportedIdentityProviders: ["COGNITO"],
                ...tokenSettings,
            });
        });
    });

    describe("deployment and stage", function () {
        it("deploys after every method and integration, with a definition hash as trigger", function () {
            const deployment = baseline.resources.one(T.deployment);
            assert.deepStrictEqual(Object.keys(deployment.inputs).sort(), ["description", "restApi", "triggers"]);
            const hash = (deployment.inputs.triggers as Record<string, string>).redeployment;
            assert.match(hash, /^[0-9a-f]{64}$/);
            for (const r of [...baseline.resources.ofType(T.method), ...baseline.resources.ofType(T.integration), ...baseline.resources.ofType(T.integrationResponse)]) {
                assert.ok(deployment.dependencies.includes(r.urn), `deployment waits for ${r.name}`);
            }
        });

        it("changes the deployment trigger when a route is added or a scope changes, and only then", async function () {
            const hashOf = (b: Built) => (b.resources.one(T.deployment).inputs.triggers as Record<string, string>).redeployment;
            const again = await build();
            const extraService = await build(
                secureApiArgs({
                    services: [ordersApiService(), catalogApiService(), { name: "billing", basePath: "billing", host: "billing.internal.example.com", scopes: ["billing.read"] }],
                }),
            );
            const extraPublicPath = await build(secureApiArgs({ services: [ordersApiService({ publicPaths: ["health", "version"] }), catalogApiService()] }));
            const otherScope = await build(secureApiArgs({ services: [ordersApiService(), catalogApiService({ scopes: ["catalog.admin"] })] }));
            assert.strictEqual(hashOf(again), hashOf(baseline), "same definition, same deployment");
            const hashes = [hashOf(baseline), hashOf(extraService), hashOf(extraPublicPath), hashOf(otherScope)];
            assert.strictEqual(new Set(hashes).size, 4, "each definition change redeploys");
        });

        it("changes the deployment trigger when any method or integration argument changes, the async route's included", async function () {
            const hashOf = (b: Built) => (b.resources.one(T.deployment).inputs.triggers as Record<string, string>).redeployment;
            const shorterTimeout = await build(secureApiArgs({ integrationTimeoutMs: 10_000 }));
            assert.notStrictEqual(hashOf(shorterTimeout), hashOf(baseline), "integration timeout of every route");
            // Only the async route: its integration's timeout is not in any service route.
            const asyncOnly = (timeoutMs: number) => build(secureApiArgs({ services: [], integrationTimeoutMs: timeoutMs }));
            const [asyncDefault, asyncShorter, asyncAgain] = [await asyncOnly(29_000), await asyncOnly(10_000), await asyncOnly(29_000)];
            assert.deepStrictEqual(
                asyncShorter.resources.one(T.integration, "api-integration-POST/events/{detailType}").inputs.timeoutMilliseconds,
                10_000,
                "the changed argument reached the integration",
            );
            assert.notStrictEqual(hashOf(asyncShorter), hashOf(asyncDefault), "async integration timeout");
            assert.strictEqual(hashOf(asyncAgain), hashOf(asyncDefault), "same definition, same deployment");
        });

        it("creates the stage with JSON access logs to the KMS-encrypted log group, X-Ray tracing and no cache", function () {
            const stage = baseline.resources.one(T.stage);
            const accessLogs = baseline.resources.one(T.logGroup, "api-access-logs");
            assert.deepStrictEqual(stage.inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                deployment: idOf(baseline.resources.one(T.deployment)),
                stageName: "v1",
                description: "Stage v1 of platform-test-api",
                xrayTracingEnabled: true,
                accessLogSettings: { destinationArn: accessLogs.state.arn, format: ACCESS_LOG_FORMAT },
                cacheClusterEnabled: false,
            });
            assert.deepStrictEqual(accessLogs.inputs, { retentionInDays: 90, kmsKeyId: API_KEY_ARNS.logs });
            const fields = JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>;
            for (const [field, variable] of Object.entries({
                requestId: "$context.requestId",
                ip: "$context.identity.sourceIp",
                caller: "$context.identity.caller",
                user: "$context.identity.user",
                requestTime: "$context.requestTime",
                httpMethod: "$context.httpMethod",
                resourcePath: "$context.resourcePath",
                status: "$context.status",
                protocol: "$context.protocol",
                responseLength: "$context.responseLength",
                integrationError: "$context.integration.error",
                authorizerError: "$context.authorizer.error",
            })) {
                assert.strictEqual(fields[field], variable, `access log field ${field}`);
            }
        });

        const base = { metricsEnabled: true, loggingLevel: "ERROR", dataTraceEnabled: false, throttlingRateLimit: 500, throttlingBurstLimit: 250, cachingEnabled: false };

        it("sets stage-wide method settings: metrics, ERROR logging, no data trace, stage throttling", function () {
            assert.deepStrictEqual(baseline.resources.one(T.methodSettings, "api-settings-*/*").inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                stageName: "v1",
                methodPath: "*/*",
                settings: base,
            });
        });

        it("overrides throttling for every concrete method of every resource of a service with route limits, repeating the base settings", function () {
            const overrides = baseline.resources.ofType(T.methodSettings).filter((m) => m.inputs.methodPath !== "*/*");
            const expectedPaths = ["orders", "orders/{proxy+}", "orders/health"].flatMap((p) => ANY_METHODS.map((m) => `${p}/${m}`));
            assert.deepStrictEqual(overrides.map((m) => m.inputs.methodPath).sort(), expectedPaths.sort());
            for (const m of overrides) {
                assert.deepStrictEqual(m.inputs.settings, { ...base, throttlingRateLimit: 50, throttlingBurstLimit: 25 }, String(m.inputs.methodPath));
            }
        });

        it("chains the method settings so the stage is updated one call at a time", function () {
            const all = baseline.resources.ofType(T.methodSettings);
            for (let i = 1; i < all.length; i++) {
                assert.ok(all[i].dependencies.includes(all[i - 1].urn), `${all[i].name} waits for ${all[i - 1].name}`);
            }
        });

        it("does not manage the Region's API Gateway CloudWatch role by default; creates a scoped one when asked", async function () {
            assert.strictEqual(baseline.resources.ofType(T.account).length, 0);
            const r = await build(secureApiArgs({ manageAccountCloudWatchRole: true }));
            const account = r.resources.one(T.account);
            const role = r.resources.one(T.role, "api-apigw-cloudwatch");
            assert.deepStrictEqual(account.inputs, { cloudwatchRoleArn: role.state.arn });
            assert.deepStrictEqual(policyDocument(role.inputs.assumeRolePolicy).Statement, [
                {
                    Effect: "Allow",
                    Principal: { Service: "apigateway.amazonaws.com" },
                    Action: ["sts:AssumeRole"],
                    Condition: { StringEquals: { "aws:SourceAccount": FIXTURE_ACCOUNT } },
                },
            ]);
            assert.deepStrictEqual(statementsOf(r.resources.one(T.rolePolicy, "api-apigw-cloudwatch-logs")), [
                {
                    Sid: "WriteApiGatewayLogs",
                    Effect: "Allow",
                    Action: [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:DescribeLogGroups",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                        "logs:GetLogEvents",
                        "logs:FilterLogEvents",
                    ],
                    Resource: [`arn:aws:logs:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:log-group:*`, `arn:aws:logs:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:log-group:*:log-stream:*`],
                },
            ]);
            assert.ok(r.resources.one(T.stage).dependencies.includes(account.urn), "the stage waits for the account's logging role");
        });
    });

    describe("WAF", function () {
        const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
        const managed = (name: string, priority: number) => ({
            name,
            priority,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
            visibilityConfig: visibility(`api-${name}`),
        });
        const standardRules = [
            managed("AWSManagedRulesAmazonIpReputationList", 10),
            {
                name: "rate-limit-per-ip",
                priority: 20,
                action: { block: {} },
                statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                visibilityConfig: visibility("api-rate-limit-per-ip"),
            },
            managed("AWSManagedRulesCommonRuleSet", 30),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 40),
        ];

        it("creates a Regional web ACL: allow by default, IP reputation, per-IP rate limit, common and known-bad-inputs groups", function () {
            assert.deepStrictEqual(baseline.resources.one(T.webAcl).inputs, {
                description: "Regional WAF of platform-test-api",
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: standardRules,
                visibilityConfig: visibility("api-waf"),
            });
        });

        it("associates the web ACL with the stage ARN", function () {
            assert.deepStrictEqual(baseline.resources.one(T.webAclAssociation).inputs, {
                resourceArn: baseline.resources.one(T.stage).state.arn,
                webAclArn: baseline.resources.one(T.webAcl).state.arn,
            });
        });

        it("logs to a KMS-encrypted aws-waf-logs-* log group through a scoped delivery policy, redacting credentials", function () {
            const logs = baseline.resources.one(T.logGroup, "api-waf-logs");
            assert.deepStrictEqual(logs.inputs, { namePrefix: "aws-waf-logs-platform-test-api-", retentionInDays: 90, kmsKeyId: API_KEY_ARNS.logs });
            assert.ok(String(logs.inputs.namePrefix).startsWith("aws-waf-logs-"), "WAF only delivers to destinations named aws-waf-logs-*");
            const logging = baseline.resources.one(T.webAclLogging);
            assert.deepStrictEqual(logging.inputs, {
                resourceArn: baseline.resources.one(T.webAcl).state.arn,
                logDestinationConfigs: [logs.state.arn],
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "x-api-key" } }, { singleHeader: { name: "x-origin-verify" } }],
            });
            const policy = baseline.resources.one(T.logPolicy);
            assert.strictEqual(policy.inputs.policyName, `${String(logs.state.name)}-delivery`);
            assert.deepStrictEqual(statementsOf(policy, "policyDocument"), [
                {
                    Sid: "WafLogDelivery",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: [`${String(logs.state.arn)}:log-stream:*`],
                    Condition: { StringEquals: { "aws:SourceAccount": FIXTURE_ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:logs:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:*` } },
                },
            ]);
            assert.ok(logging.dependencies.includes(policy.urn), "logging starts after the delivery policy exists");
        });

        const withoutHeader = (secret: unknown) => ({
            notStatement: {
                statement: {
                    byteMatchStatement: {
                        fieldToMatch: { singleHeader: { name: "x-origin-verify" } },
                        positionalConstraint: "EXACTLY",
                        searchString: secret,
                        textTransformations: [{ priority: 0, type: "NONE" }],
                    },
                },
            },
        });
        // Behind the CDN: the per-IP rate rule counts only requests without CloudFront's header.
        const cdnRules = (secret: unknown) => [
            managed("AWSManagedRulesAmazonIpReputationList", 10),
            {
                name: "rate-limit-per-ip",
                priority: 20,
                action: { block: {} },
                statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300, scopeDownStatement: withoutHeader(secret) } },
                visibilityConfig: visibility("api-rate-limit-per-ip"),
            },
            managed("AWSManagedRulesCommonRuleSet", 30),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 40),
        ];

        it("with originVerify (CDN in front), rate-limits per IP only the requests without the secret origin header, and exports the header and secret", async function () {
            const r = await build(secureApiArgs({ originVerify: true }));
            const password = r.resources.one(T.password);
            assert.deepStrictEqual(password.inputs, { length: 32, special: false });
            const acl = r.resources.one(T.webAcl);
            assert.ok(acl.secretInputs.includes("rules"), "the secret keeps the rules secret in state");
            assert.deepStrictEqual(acl.inputs.rules, cdnRules(password.state.result), "no blocking rule: direct clients are still served");
            assert.strictEqual(r.value.originVerifyHeaderName, ORIGIN_VERIFY_HEADER);
            const secret = r.value.originVerifySecret as pulumi.Output<string>;
            assert.strictEqual(await resolveOutput(secret), password.state.result);
            assert.strictEqual(await pulumi.isSecret(secret), true);
        });

        it("with cdnOnly, also blocks requests without the secret origin header first", async function () {
            const r = await build(secureApiArgs({ cdnOnly: true }));
            const password = r.resources.one(T.password);
            const acl = r.resources.one(T.webAcl);
            assert.ok(acl.secretInputs.includes("rules"), "the secret keeps the rules secret in state");
            assert.deepStrictEqual(acl.inputs.rules, [
                { name: "origin-verify", priority: 0, action: { block: {} }, statement: withoutHeader(password.state.result), visibilityConfig: visibility("api-origin-verify") },
                ...cdnRules(password.state.result),
            ]);
            assert.strictEqual(r.value.originVerifyHeaderName, ORIGIN_VERIFY_HEADER);
        });

        it("exports no origin header or secret and aggregates the rate rule on every request without originVerify", function () {
            assert.strictEqual(baseline.value.originVerifyHeaderName, undefined);
            assert.strictEqual(baseline.value.originVerifySecret, undefined);
            assert.strictEqual(baseline.resources.ofType(T.password).length, 0);
            assert.deepStrictEqual(baseline.resources.one(T.webAcl).inputs.rules, standardRules);
        });
    });

    describe("custom domain and mTLS", function () {
        it("disables the execute-api endpoint when a custom domain exists", function () {
            assert.strictEqual(full.resources.one(T.restApi).inputs.disableExecuteApiEndpoint, true);
        });

        it("issues a DNS-validated certificate in the API's Region", function () {
            const cert = full.resources.one(T.cert);
            assert.deepStrictEqual(cert.inputs, { region: FIXTURE_REGION, domainName: "api.example.com", validationMethod: "DNS", keyAlgorithm: "RSA_2048" });
            assert.ok(String(cert.state.arn).startsWith(`arn:aws:acm:${FIXTURE_REGION}:`), "certificate ARN is in the API's Region");
            const option = (cert.state.domainValidationOptions as Record<string, string>[])[0];
            const validationRecord = full.resources.one(T.record, "api-certificate-validation-record");
            assert.deepStrictEqual(validationRecord.inputs, {
                zoneId: ZONE_ID,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                allowOverwrite: true,
            });
            assert.deepStrictEqual(full.resources.one(T.certValidation).inputs, {
                region: FIXTURE_REGION,
                certificateArn: cert.state.arn,
                validationRecordFqdns: [validationRecord.state.fqdn],
            });
        });

        it("creates a REGIONAL domain with TLS 1.2, the validated certificate and the truststore pinned to its object version", function () {
            const domain = full.resources.one(T.domain);
            const bucket = full.resources.one(T.bucket);
            const object = full.resources.one(T.object);
            assert.deepStrictEqual(domain.inputs, {
                domainName: "api.example.com",
                regionalCertificateArn: full.resources.one(T.cert).state.arn,
                endpointConfiguration: { types: "REGIONAL", ipAddressType: "dualstack" },
                securityPolicy: "TLS_1_2",
                mutualTlsAuthentication: { truststoreUri: `s3://${String(bucket.state.bucket)}/truststore.pem`, truststoreVersion: object.state.versionId },
            });
            assert.match(String(object.state.versionId), /^v[0-9a-f]{20}$/);
        });

        it("maps the stage at the base path and aliases A and AAAA to the Regional domain", async function () {
            const domain = full.resources.one(T.domain);
            assert.deepStrictEqual(full.resources.one(T.basePath).inputs, {
                domainName: "api.example.com",
                restApi: idOf(full.resources.one(T.restApi)),
                stageName: "v1",
                basePath: "v1",
            });
            const alias = [{ name: domain.state.regionalDomainName, zoneId: domain.state.regionalZoneId, evaluateTargetHealth: false }];
            assert.deepStrictEqual(full.resources.one(T.record, "api-domain-a").inputs, { zoneId: ZONE_ID, name: "api.example.com", type: "A", aliases: alias });
            assert.deepStrictEqual(full.resources.one(T.record, "api-domain-aaaa").inputs, { zoneId: ZONE_ID, name: "api.example.com", type: "AAAA", aliases: alias });
            assert.strictEqual(await resolveOutput(full.value.url), "https://api.example.com/v1");
            assert.strictEqual(await resolveOutput(full.value.domainRegionalName as pulumi.Output<string>), domain.state.regionalDomainName);
            assert.strictEqual(await resolveOutput(full.value.domainRegionalZoneId as pulumi.Output<string>), domain.state.regionalZoneId);
        });

        it("creates no AAAA record for an IPv4-only API, and an enhanced policy gets STRICT endpoint access", async function () {
            const r = await build(
                secureApiArgs({
                    ipAddressType: "ipv4",
                    customDomain: { domainName: "api.example.com", publicZoneId: ZONE_ID, publicZoneName: "example.com", securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" },
                }),
            );
            assert.deepStrictEqual(
                r.resources
                    .ofType(T.record)
                    .map((x) => x.name)
                    .sort(),
                ["api-certificate-validation-record", "api-domain-a"],
            );
            const domain = r.resources.one(T.domain).inputs;
            assert.strictEqual(domain.securityPolicy, "SecurityPolicy_TLS13_1_3_2025_09");
            assert.strictEqual(domain.endpointAccessMode, "STRICT");
            assert.ok(!("mutualTlsAuthentication" in domain));
            const api = r.resources.one(T.restApi).inputs;
            assert.strictEqual(api.endpointAccessMode, "STRICT");
            assert.strictEqual(api.disableExecuteApiEndpoint, true);
        });

        it("keeps the truststore in a private, versioned, SSE-KMS bucket that refuses plain HTTP", function () {
            const bucket = full.resources.one(T.bucket);
            const id = idOf(bucket);
            assert.deepStrictEqual(bucket.inputs, { forceDestroy: false });
            assert.deepStrictEqual(full.resources.one(T.bucketVersioning).inputs, { bucket: id, versioningConfiguration: { status: "Enabled" } });
            assert.deepStrictEqual(full.resources.one(T.bucketEncryption).inputs, {
                bucket: id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: API_KEY_ARNS.storage }, bucketKeyEnabled: true }],
            });
            assert.deepStrictEqual(full.resources.one(T.bucketPab).inputs, {
                bucket: id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            assert.deepStrictEqual(full.resources.one(T.bucketOwnership).inputs, { bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } });
            assert.deepStrictEqual(statementsOf(full.resources.one(T.bucketPolicy)), [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: ["s3:*"],
                    Resource: [bucket.state.arn, `${String(bucket.state.arn)}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
            const object = full.resources.one(T.object);
            assert.deepStrictEqual(object.inputs, {
                bucket: id,
                key: "truststore.pem",
                content: TRUSTSTORE_PEM,
                contentType: "application/x-pem-file",
                serverSideEncryption: "aws:kms",
                kmsKeyId: API_KEY_ARNS.storage,
            });
            assert.ok(object.dependencies.includes(full.resources.one(T.bucketVersioning).urn), "the object is written after versioning is on");
        });

        it("uses the stage's execute-api URL without a custom domain", async function () {
            const stage = baseline.resources.one(T.stage);
            assert.strictEqual(await resolveOutput(baseline.value.url), stage.state.invokeUrl);
            assert.strictEqual(baseline.value.domainRegionalName, undefined);
        });
    });

    describe("async event route", function () {
        it("requires the events scope, validates the body against the model and the path parameter", function () {
            const method = baseline.resources.one(T.method, "api-method-POST/events/{detailType}");
            const model = baseline.resources.one(T.model);
            const validator = baseline.resources.one(T.validator);
            assert.deepStrictEqual(method.inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                resourceId: idOf(baseline.resources.one(T.resource, "api-resource/events/{detailType}")),
                httpMethod: "POST",
                authorization: "COGNITO_USER_POOLS",
                authorizerId: idOf(baseline.resources.one(T.authorizer)),
                authorizationScopes: ["api/events.write"],
                apiKeyRequired: false,
                requestParameters: { "method.request.path.detailType": true },
                requestValidatorId: idOf(validator),
                requestModels: { "application/json": "EventRequest" },
            });
            assert.deepStrictEqual(model.inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                name: "EventRequest",
                contentType: "application/json",
                description: "Body of POST /events/{detailType}",
                schema: JSON.stringify(EVENT_REQUEST_SCHEMA),
            });
            assert.deepStrictEqual((JSON.parse(String(model.inputs.schema)) as { required?: unknown }).required, ["version", "data"]);
            assert.deepStrictEqual(validator.inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                name: "body-and-parameters",
                validateRequestBody: true,
                validateRequestParameters: true,
            });
        });

        it("integrates directly with EventBridge PutEvents through the role, mapping the path and body into one entry", function () {
            const integration = baseline.resources.one(T.integration, "api-integration-POST/events/{detailType}");
            const role = baseline.resources.one(T.role, "api-events-role");
            const template = [
                "{",
                '  "Entries": [',
                "    {",
                '      "Source": "platform.api",',
                `      "DetailType": "$util.escapeJavaScript($input.params().path.get('detailType')).replaceAll("\\\\'", "'")",`,
                `      "Detail": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")",`,
                `      "EventBusName": "${BUS_NAME}"`,
                "    }",
                "  ]",
                "}",
            ].join("\n");
            assert.deepStrictEqual(integration.inputs, {
                restApi: idOf(baseline.resources.one(T.restApi)),
                resourceId: idOf(baseline.resources.one(T.resource, "api-resource/events/{detailType}")),
                httpMethod: "POST",
                type: "AWS",
                integrationHttpMethod: "POST",
                uri: `arn:aws:apigateway:${FIXTURE_REGION}:events:action/PutEvents`,
                credentials: role.state.arn,
                passthroughBehavior: "NEVER",
                requestParameters: {
                    "integration.request.header.X-Amz-Target": "'AWSEvents.PutEvents'",
                    "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
                },
                requestTemplates: { "application/json": template },
                timeoutMilliseconds: 29000,
            });
        });

        it("answers 202 with the event id, and 502 when EventBridge fails", function () {
            const ok = baseline.resources.one(T.integrationResponse, "api-integration-response-202/events/{detailType}");
            const failed = baseline.resources.one(T.integrationResponse, "api-integration-response-502/events/{detailType}");
            assert.strictEqual(ok.inputs.statusCode, "202");
            assert.ok(!("selectionPattern" in ok.inputs), "202 is the default response");
            assert.deepStrictEqual(ok.inputs.responseTemplates, { "application/json": PUT_EVENTS_RESPONSE_TEMPLATE });
            assert.ok(PUT_EVENTS_RESPONSE_TEMPLATE.includes("$input.path('$.Entries[0].EventId')"));
            assert.strictEqual(failed.inputs.statusCode, "502");
            assert.strictEqual(failed.inputs.selectionPattern, "[45]\\d{2}");
            assert.deepStrictEqual(
                baseline.resources.ofType(T.methodResponse).map((m) => [m.inputs.statusCode, m.inputs.responseModels]),
                [
                    ["202", { "application/json": "Empty" }],
                    ["502", { "application/json": "Empty" }],
                ],
            );
        });

        it("lets the integration role put events on exactly the bus, trusted only by API Gateway of this account", function () {
            const role = baseline.resources.one(T.role, "api-events-role");
            assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "apigateway.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:SourceAccount": FIXTURE_ACCOUNT } },
                    },
                ],
            });
            const policy = baseline.resources.one(T.rolePolicy, "api-events-put");
            assert.strictEqual(policy.inputs.role, idOf(role));
            assert.deepStrictEqual(statementsOf(policy), [{ Sid: "PutEventsOnPlatformBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: [BUS_ARN] }]);
        });

        it("creates no async resources without asyncEvents", async function () {
            const r = await build(secureApiArgs({ asyncEvents: undefined }));
            assert.strictEqual(r.resources.ofType(T.role).length, 0);
            assert.strictEqual(r.resources.ofType(T.model).length, 0);
            assert.deepStrictEqual(r.resources.one(T.resourceServer).inputs.scopes, [
                { scopeName: "catalog.read", scopeDescription: "catalog.read: required by catalog" },
                { scopeName: "orders.read", scopeDescription: "orders.read: required by orders" },
                { scopeName: "orders.write", scopeDescription: "orders.write: required by orders" },
            ]);
        });
    });

    describe("usage plans and cache", function () {
        it("creates one usage plan per entry on the stage, with throttling and the daily quota", function () {
            const api = idOf(full.resources.one(T.restApi));
            assert.deepStrictEqual(full.resources.one(T.usagePlan, "api-plan-partners").inputs, {
                description: "Usage plan partners of platform-test-api",
                apiStages: [{ apiId: api, stage: "v1" }],
                throttleSettings: { rateLimit: 100, burstLimit: 50 },
                quotaSettings: { limit: 100000, period: "DAY" },
            });
            assert.deepStrictEqual(full.resources.one(T.usagePlan, "api-plan-internal").inputs, {
                description: "Usage plan internal of platform-test-api",
                apiStages: [{ apiId: api, stage: "v1" }],
                throttleSettings: { rateLimit: 200, burstLimit: 100 },
            });
        });

        it("creates one generated API key per consumer and attaches it to its plan", function () {
            assert.deepStrictEqual(
                full.resources.ofType(T.apiKey).map((k) => [k.name, k.inputs]),
                [
                    ["api-key-acme", { description: "API key of acme (plan partners)", enabled: true }],
                    ["api-key-globex", { description: "API key of globex (plan partners)", enabled: true }],
                    ["api-key-reporting", { description: "API key of reporting (plan internal)", enabled: true }],
                ],
            );
            const planId = (name: string) => idOf(full.resources.one(T.usagePlan, name));
            const keyId = (consumer: string) => idOf(full.resources.one(T.apiKey, `api-key-${consumer}`));
            assert.deepStrictEqual(
                full.resources
                    .ofType(T.usagePlanKey)
                    .map((k) => k.inputs)
                    .sort((a, b) => String(a.keyId).localeCompare(String(b.keyId))),
                [
                    { keyId: keyId("acme"), keyType: "API_KEY", usagePlanId: planId("api-plan-partners") },
                    { keyId: keyId("globex"), keyType: "API_KEY", usagePlanId: planId("api-plan-partners") },
                    { keyId: keyId("reporting"), keyType: "API_KEY", usagePlanId: planId("api-plan-internal") },
                ].sort((a, b) => a.keyId.localeCompare(b.keyId)),
            );
        });

        it("requires API keys only on the protected methods of what a plan covers, never on public GET/HEAD", function () {
            assert.deepStrictEqual(
                Object.fromEntries(
                    full.resources
                        .ofType(T.method)
                        .map((m) => [m.name.replace(/^api-method-/, ""), m.inputs.apiKeyRequired])
                        .sort(([a], [b]) => String(a).localeCompare(String(b))),
                ),
                {
                    // partners cover orders
                    "ANY/orders": true,
                    "ANY/orders/health": true,
                    "ANY/orders/{proxy+}": true,
                    "GET/orders/health": false,
                    "HEAD/orders/health": false,
                    // internal covers catalog and the async route
                    "ANY/catalog": true,
                    "ANY/catalog/{proxy+}": true,
                    "POST/events/{detailType}": true,
                },
            );
        });

        it("leaves services no plan covers (and the async route) without API keys", async function () {
            const r = await build(secureApiArgs({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["catalog"], rateLimit: 10, burstLimit: 5 }] }));
            assert.deepStrictEqual(
                r.resources
                    .ofType(T.method)
                    .filter((m) => m.inputs.apiKeyRequired === true)
                    .map((m) => m.name)
                    .sort(),
                ["api-method-ANY/catalog", "api-method-ANY/catalog/{proxy+}"],
            );
        });

        it("enables an encrypted stage cache and caches the opted-in service's GETs keyed by path and caller", function () {
            const stage = full.resources.one(T.stage).inputs;
            assert.strictEqual(stage.cacheClusterEnabled, true);
            assert.strictEqual(stage.cacheClusterSize, "0.5");
            const all = full.resources.one(T.methodSettings, "api-settings-*/*").inputs.settings as Record<string, unknown>;
            assert.strictEqual(all.cacheDataEncrypted, true);
            assert.strictEqual(all.cachingEnabled, false);
            const cached = {
                metricsEnabled: true,
                loggingLevel: "ERROR",
                dataTraceEnabled: false,
                throttlingRateLimit: 500,
                throttlingBurstLimit: 250,
                cachingEnabled: true,
                cacheTtlInSeconds: 60,
                cacheDataEncrypted: true,
                requireAuthorizationForCacheControl: true,
                unauthorizedCacheControlHeaderStrategy: "FAIL_WITH_403",
            };
            assert.deepStrictEqual(full.resources.one(T.methodSettings, "api-settings-catalog/GET").inputs.settings, cached);
            assert.deepStrictEqual(full.resources.one(T.methodSettings, "api-settings-catalog/{proxy+}/GET").inputs.settings, cached);
            assert.deepStrictEqual(full.resources.one(T.integration, "api-integration-ANY/catalog/{proxy+}").inputs.cacheKeyParameters, [
                "method.request.path.proxy",
                "method.request.header.Authorization",
            ]);
            assert.deepStrictEqual(full.resources.one(T.integration, "api-integration-ANY/catalog").inputs.cacheKeyParameters, ["method.request.header.Authorization"]);
            assert.deepStrictEqual(full.resources.one(T.method, "api-method-ANY/catalog/{proxy+}").inputs.requestParameters, {
                "method.request.path.proxy": true,
                "method.request.header.Authorization": false,
            });
            assert.ok(!("cacheKeyParameters" in full.resources.one(T.integration, "api-integration-ANY/orders/{proxy+}").inputs), "orders did not opt in");
        });
    });

    describe("alarms and outputs", function () {
        const dimensions = { ApiName: "platform-test-api", Stage: "v1" };

        it("alarms on the 5XX error rate (metric math) and p99 latency, notifying the topic", function () {
            assert.deepStrictEqual(full.resources.one(T.alarm, "api-5xx-rate").inputs, {
                alarmDescription: "platform-test-api/v1: more than 1% of requests answered 5XX",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 1,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                treatMissingData: "notBreaching",
                metricQueries: [
                    { id: "errors", returnData: false, metric: { namespace: "AWS/ApiGateway", metricName: "5XXError", dimensions, period: 60, stat: "Sum" } },
                    { id: "requests", returnData: false, metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions, period: 60, stat: "Sum" } },
                    { id: "errorRate", label: "5XX error rate (%)", returnData: true, expression: "IF(requests > 0, 100 * errors / requests, 0)" },
                ],
                alarmActions: [ALARM_TOPIC_ARN],
                okActions: [ALARM_TOPIC_ARN],
            });
            assert.deepStrictEqual(full.resources.one(T.alarm, "api-latency-p99").inputs, {
                alarmDescription: "platform-test-api/v1: p99 latency above 2000 ms",
                namespace: "AWS/ApiGateway",
                metricName: "Latency",
                dimensions,
                extendedStatistic: "p99",
                period: 60,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 2000,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                treatMissingData: "notBreaching",
                alarmActions: [ALARM_TOPIC_ARN],
                okActions: [ALARM_TOPIC_ARN],
            });
        });

        it("takes alarm thresholds from args and has no actions without a topic", async function () {
            const r = await build(secureApiArgs({ errorRateThresholdPercent: 5, latencyP99ThresholdMs: 800 }));
            assert.strictEqual(r.resources.one(T.alarm, "api-5xx-rate").inputs.threshold, 5);
            assert.strictEqual(r.resources.one(T.alarm, "api-latency-p99").inputs.threshold, 800);
            assert.deepStrictEqual(baseline.resources.one(T.alarm, "api-5xx-rate").inputs.alarmActions, []);
        });

        it("exports the ids the program wires", async function () {
            const v = full.value;
            const r = full.resources;
            assert.strictEqual(await resolveOutput(v.apiId), idOf(r.one(T.restApi)));
            assert.strictEqual(await resolveOutput(v.stageName), "v1");
            assert.strictEqual(await resolveOutput(v.stageArn), r.one(T.stage).state.arn);
            assert.strictEqual(await resolveOutput(v.executionArn), r.one(T.restApi).state.executionArn);
            assert.strictEqual(await resolveOutput(v.userPoolId), idOf(r.one(T.userPool)));
            assert.strictEqual(await resolveOutput(v.userPoolArn), r.one(T.userPool).state.arn);
            assert.deepStrictEqual(Object.keys(v.consumerClientIds).sort(), ["acme", "globex", "reporting"]);
            for (const consumer of ["acme", "globex", "reporting"]) {
                assert.strictEqual(await resolveOutput(v.consumerClientIds[consumer]), idOf(r.one(T.client, `api-client-${consumer}`)));
            }
            assert.strictEqual(await resolveOutput(v.userClientId as pulumi.Output<string>), idOf(r.one(T.client, "api-user-client")));
            assert.strictEqual(await resolveOutput(v.webAclArn), r.one(T.webAcl).state.arn);
            assert.strictEqual(await resolveOutput(v.tokenEndpoint), `https://platform-test-auth.auth.${FIXTURE_REGION}.amazoncognito.com/oauth2/token`);
            assert.strictEqual(v.resourceServerIdentifier, "api");
            assert.deepStrictEqual(v.scopeIdentifiers, {
                "catalog.read": "api/catalog.read",
                "events.write": "api/events.write",
                "orders.read": "api/orders.read",
                "orders.write": "api/orders.write",
            });
            assert.deepStrictEqual(Object.keys(v.apiKeyIds).sort(), ["acme", "globex", "reporting"]);
            assert.strictEqual(baseline.value.userClientId, undefined);
        });
    });

    describe("validation", function () {
        const one = (...lines: string[]) => lines;
        const fullWith = (overrides: Partial<SecureApiArgs>) => secureApiFullArgs(overrides);
        const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
        const CASES: [string, () => SecureApiArgs, string[]][] = [
            [
                "a stage rate above the account limit (10,000 rps)",
                () => secureApiArgs({ throttle: { rateLimit: 20_000, burstLimit: 250 } }),
                one(
                    "SecureApiArgs.throttle.rateLimit = 20000: must be > 0 and at most 10000 requests per second: API Gateway's account throttle is 10000 rps per Region, shared by every API and stage. Fix: lower throttle.rateLimit (or raise the account quota first)",
                ),
            ],
            [
                "a stage burst above the account burst (5,000)",
                () => secureApiArgs({ throttle: { rateLimit: 500, burstLimit: 6_000 } }),
                one("SecureApiArgs.throttle.burstLimit = 6000: must be an integer 1-5000: API Gateway's account burst is 5000 per Region. Fix: lower throttle.burstLimit"),
            ],
            [
                "a route rate above the stage rate",
                () => secureApiArgs({ services: [ordersApiService({ rateLimit: 600 }), catalogApiService()] }),
                one(
                    "SecureApiArgs.services[0].rateLimit = 600: must be > 0 and at most the stage limit throttle.rateLimit (500) and the account limit (10000 rps). Fix: lower the route limit or raise the stage limit",
                ),
            ],
            [
                "a route burst above the stage burst",
                () => secureApiArgs({ services: [ordersApiService({ burstLimit: 300 }), catalogApiService()] }),
                one(
                    "SecureApiArgs.services[0].burstLimit = 300: must be an integer 1 to the stage burst throttle.burstLimit (250), within the account burst (5000). Fix: lower the route burst or raise the stage burst",
                ),
            ],
            [
                "a cache size API Gateway does not offer",
                () => secureApiArgs({ cacheSizeGb: "2" }),
                one(
                    'SecureApiArgs.cacheSizeGb = "2": must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237 (GB, API Gateway cache cluster sizes). Fix: pick an allowed cache cluster size',
                ),
            ],
            [
                "a service cache TTL without a stage cache",
                () => secureApiArgs({ services: [ordersApiService(), catalogApiService({ cacheTtlSeconds: 60 })] }),
                one("SecureApiArgs.services[1].cacheTtlSeconds = 60: caching needs a stage cache cluster: set cacheSizeGb. Fix: set cacheSizeGb or cacheTtlSeconds to 0"),
            ],
            [
                "a cache TTL above 3600 s",
                () => secureApiArgs({ cacheSizeGb: "0.5", services: [ordersApiService(), catalogApiService({ cacheTtlSeconds: 4000 })] }),
                one("SecureApiArgs.services[1].cacheTtlSeconds = 4000: must be an integer 0-3600 seconds (API Gateway cache TTL). Fix: use 0 to disable caching"),
            ],
            [
                "mTLS without a custom domain",
                () => fullWith({ customDomain: undefined }),
                one(
                    'SecureApiArgs.mtls = "truststore.pem": mTLS requires a Regional custom domain: set customDomain too (the execute-api endpoint cannot do mTLS). Fix: set customDomain or remove mtls',
                ),
            ],
            [
                "mTLS without the storage key",
                () => fullWith({ storageKmsKeyArn: undefined }),
                one("SecureApiArgs.storageKmsKeyArn = (not set): is required with mtls: the truststore bucket is encrypted with the storage CMK. Fix: pass the storage key ARN"),
            ],
            [
                "mTLS with an enhanced security policy",
                () =>
                    fullWith({
                        customDomain: { domainName: "api.example.com", publicZoneId: ZONE_ID, publicZoneName: "example.com", securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" },
                    }),
                one(
                    'SecureApiArgs.customDomain.securityPolicy = "SecurityPolicy_TLS13_1_3_2025_09": must be TLS_1_2 with mTLS: API Gateway does not support mutual TLS on a domain with an enhanced (SecurityPolicy_*) policy. Fix: set customDomain.securityPolicy to TLS_1_2 or remove mtls',
                ),
            ],
            [
                "a truststore that contains a private key",
                () => fullWith({ mtls: { truststorePem: `${TRUSTSTORE_PEM}${KEY_PEM}`, truststoreFileName: "truststore.pem" } }),
                one(
                    `SecureApiArgs.mtls.truststorePem = "truststore.pem (${Buffer.byteLength(TRUSTSTORE_PEM + KEY_PEM)} bytes)": must contain only PEM certificates (-----BEGIN CERTIFICATE----- blocks): no private keys, no other PEM types, no text between blocks. Fix: export the trusted CA certificates only, in PEM`,
                ),
            ],
            [
                "a truststore block that is not an X.509 certificate",
                () => fullWith({ mtls: { truststorePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", truststoreFileName: "truststore.pem" } }),
                one(
                    'SecureApiArgs.mtls.truststorePem = "truststore.pem (59 bytes)": certificate 1 of 1 is not a valid X.509 certificate. Fix: export the trusted CA certificates only, in PEM',
                ),
            ],
            [
                "a truststore CA signed with SHA-1",
                () => fullWith({ mtls: { truststorePem: SHA1_SIGNED_PEM, truststoreFileName: "truststore.pem" } }),
                one(
                    `SecureApiArgs.mtls.truststorePem = "truststore.pem (${Buffer.byteLength(SHA1_SIGNED_PEM)} bytes)": certificate 1 of 1 (SHA-1 Signed CA) is signed with sha1WithRSAEncryption (SHA-1); API Gateway accepts SHA-256 or stronger. Fix: replace "SHA-1 Signed CA" with a CA certificate that has an RSA-2048+ or ECDSA P-256+ key and a SHA-256 or stronger signature`,
                ),
            ],
            [
                "a truststore object key that is not a .pem file",
                () => fullWith({ mtls: { truststorePem: TRUSTSTORE_PEM, truststoreFileName: "truststore.txt" } }),
                one(
                    'SecureApiArgs.mtls.truststoreFileName = "truststore.txt": must be an S3 object key ending in .pem (letters, digits, . _ - /; at most 255). Fix: use e.g. truststore.pem',
                ),
            ],
            [
                "mTLS combined with cdnOnly",
                () => fullWith({ cdnOnly: true }),
                one(
                    'SecureApiArgs.mtls = "truststore.pem": cannot be combined with cdnOnly: an mTLS domain rejects CloudFront, which presents no client certificate, and cdnOnly rejects every client that bypasses CloudFront. Fix: serve mTLS partners from a stack without cdnOnly, or remove mtls',
                ),
            ],
            [
                "a custom domain outside the public zone",
                () => secureApiArgs({ customDomain: { domainName: "api.other.org", publicZoneId: ZONE_ID, publicZoneName: "example.com" } }),
                one(
                    'SecureApiArgs.customDomain.domainName = "api.other.org": must be a lowercase domain name below the public zone example.com (its certificate is DNS-validated and its alias created there). Fix: use e.g. api.example.com',
                ),
            ],
            [
                "a base path mapping that is not one segment",
                () => secureApiArgs({ customDomain: { domainName: "api.example.com", publicZoneId: ZONE_ID, publicZoneName: "example.com", basePath: "v1/x" } }),
                one('SecureApiArgs.customDomain.basePath = "v1/x": must be one path segment (letters, digits, . _ -). Fix: use e.g. v1'),
            ],
            [
                "the legacy TLS_1_0 security policy",
                () => secureApiArgs({ customDomain: { domainName: "api.example.com", publicZoneId: ZONE_ID, publicZoneName: "example.com", securityPolicy: "TLS_1_0" } }),
                one(
                    'SecureApiArgs.customDomain.securityPolicy = "TLS_1_0": must be a Regional REST security policy: TLS_1_2, SecurityPolicy_TLS13_1_3_2025_09, SecurityPolicy_TLS13_1_3_FIPS_2025_09, SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09, SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09, SecurityPolicy_TLS13_1_2_PQ_2025_09, SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09, SecurityPolicy_TLS13_1_2_2021_06. Fix: use TLS_1_2 (required with mTLS) or SecurityPolicy_TLS13_1_3_2025_09',
                ),
            ],
            [
                "an API without services or async route",
                () => secureApiArgs({ services: [], asyncEvents: undefined }),
                one(
                    "SecureApiArgs.services = []: the API needs at least one service or the async events route (an API without methods cannot be deployed). Fix: expose a service or set asyncEvents",
                ),
            ],
            [
                "duplicate base paths",
                () => secureApiArgs({ services: [ordersApiService(), catalogApiService({ basePath: "orders" })] }),
                one('SecureApiArgs.services = "orders": base paths must be unique: two services cannot own the same /<basePath>. Fix: give each service its own basePath'),
            ],
            [
                "duplicate service names",
                () => secureApiArgs({ services: [ordersApiService(), catalogApiService({ name: "orders" })] }),
                one('SecureApiArgs.services = "orders": service names must be unique (they name the routes\' resources). Fix: rename one of the services'),
            ],
            [
                "a service name that is not a DNS label",
                () => secureApiArgs({ services: [ordersApiService({ name: "Orders" }), catalogApiService()] }),
                one(
                    'SecureApiArgs.services[0].name = "Orders": must be a DNS label of at most 32 characters (lowercase letters, digits, hyphens). Fix: rename the service, e.g. orders',
                ),
            ],
            [
                "a base path with several segments",
                () => secureApiArgs({ services: [ordersApiService({ basePath: "orders/v2" }), catalogApiService()] }),
                one('SecureApiArgs.services[0].basePath = "orders/v2": must be one lowercase path segment (letters, digits, hyphens; at most 63). Fix: use e.g. orders'),
            ],
            [
                "a base path that takes the async route's /events",
                () => secureApiArgs({ services: [ordersApiService({ basePath: "events" }), catalogApiService()] }),
                one('SecureApiArgs.services[0].basePath = "events": "events" is reserved for the async route POST /events/{detailType}. Fix: choose another base path'),
            ],
            [
                "a service host with a scheme",
                () => secureApiArgs({ services: [ordersApiService({ host: "https://orders.internal.example.com" }), catalogApiService()] }),
                one(
                    'SecureApiArgs.services[0].host = "https://orders.internal.example.com": must be the service\'s host name on the internal ALB (lowercase FQDN, no scheme or path). Fix: use e.g. orders.internal.example.com',
                ),
            ],
            [
                "a service without scopes",
                () => secureApiArgs({ services: [ordersApiService(), catalogApiService({ scopes: [] })] }),
                one(
                    'SecureApiArgs.services[1].scopes = []: at least one scope is required: a Cognito authorizer without scopes accepts any valid token, ID tokens included. Fix: list the scopes a token must carry, e.g. ["orders.read"]',
                ),
            ],
            [
                "a scope in the wrong format",
                () => secureApiArgs({ services: [ordersApiService(), catalogApiService({ scopes: ["Catalog/Read"] })] }),
                one(
                    'SecureApiArgs.services[1].scopes[0] = "Catalog/Read": must be a scope name: a lowercase letter, then lowercase letters, digits, . _ - (at most 64). Fix: use e.g. orders.read',
                ),
            ],
            [
                "more scopes than an app client can hold",
                () =>
                    secureApiArgs({ services: [ordersApiService({ scopes: Array.from({ length: 49 }, (_, i) => `orders.s${i}`) }), catalogApiService({ scopes: ["orders.s0"] })] }),
                one(
                    'SecureApiArgs.services = "50 scopes": at most 48 distinct scopes: an app client allows 50 OAuth scopes and the user client also needs openid and email. Fix: share scopes between services',
                ),
            ],
            [
                "a public path with a leading slash",
                () => secureApiArgs({ services: [ordersApiService({ publicPaths: ["/health"] }), catalogApiService()] }),
                one(
                    'SecureApiArgs.services[0].publicPaths[0] = "/health": must be a relative path below basePath: segments of lowercase letters, digits, _ - separated by / (no leading or trailing /, no {parameters}). Fix: use e.g. health',
                ),
            ],
            [
                "duplicate public paths",
                () => secureApiArgs({ services: [ordersApiService({ publicPaths: ["health", "health"] }), catalogApiService()] }),
                one('SecureApiArgs.services[0].publicPaths = "health": public paths must be unique. Fix: remove the duplicate'),
            ],
            [
                "more resources than a REST API allows",
                () => secureApiArgs({ services: [ordersApiService({ publicPaths: Array.from({ length: 295 }, (_, i) => `p${i}`) }), catalogApiService()] }),
                one('SecureApiArgs.services = "301 resources": a REST API allows at most 300 resources (default quota). Fix: expose fewer public paths or split the API'),
            ],
            [
                "an invalid stage name",
                () => secureApiArgs({ stageName: "v 1" }),
                one('SecureApiArgs.stageName = "v 1": must be 1-128 letters, digits, hyphens or underscores (API Gateway stage name). Fix: use e.g. v1'),
            ],
            [
                "an API name with spaces",
                () => secureApiArgs({ apiName: "platform api" }),
                one('SecureApiArgs.apiName = "platform api": must be 1-128 letters, digits, . _ - (it also prefixes the WAF log group name). Fix: use e.g. platform-prod-api'),
            ],
            [
                "an integration timeout above 29 s",
                () => secureApiArgs({ integrationTimeoutMs: 30_000 }),
                one("SecureApiArgs.integrationTimeoutMs = 30000: must be an integer 50-29000 ms (REST API integration timeout). Fix: use e.g. 29000"),
            ],
            [
                "a log retention CloudWatch does not offer",
                () => secureApiArgs({ logRetentionDays: 45 }),
                one(
                    "SecureApiArgs.logRetentionDays = 45: must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Fix: pick the nearest allowed value",
                ),
            ],
            [
                "duplicate usage plan names",
                () =>
                    fullWith({
                        usagePlans: [
                            { name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                            { name: "partners", consumers: ["globex"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                        ],
                    }),
                one('SecureApiArgs.usagePlans = "partners": usage plan names must be unique. Fix: rename one of the plans'),
            ],
            [
                "a consumer in two usage plans",
                () =>
                    fullWith({
                        usagePlans: [
                            { name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                            { name: "internal", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 },
                        ],
                    }),
                one(
                    'SecureApiArgs.usagePlans = "acme": a consumer may belong to one usage plan only: API Gateway allows one key per consumer per stage. Fix: keep the consumer in a single plan',
                ),
            ],
            [
                "a usage plan rate above the stage rate",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 600, burstLimit: 5 }] }),
                one("SecureApiArgs.usagePlans[0].rateLimit = 600: must be > 0 and at most the stage limit throttle.rateLimit (500). Fix: lower the plan's rate limit"),
            ],
            [
                "a usage plan burst above the stage burst",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 251 }] }),
                one("SecureApiArgs.usagePlans[0].burstLimit = 251: must be an integer 1 to the stage burst throttle.burstLimit (250). Fix: lower the plan's burst limit"),
            ],
            [
                "a usage plan without consumers",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: [], services: ["orders"], rateLimit: 10, burstLimit: 5 }] }),
                one("SecureApiArgs.usagePlans[0].consumers = []: a plan needs at least one consumer. Fix: list the consumers or remove the plan"),
            ],
            [
                "a zero daily quota",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5, quotaPerDay: 0 }] }),
                one("SecureApiArgs.usagePlans[0].quotaPerDay = 0: must be an integer >= 1 request per day. Fix: remove it for no quota"),
            ],
            [
                "a usage plan name that is not a DNS label",
                () => fullWith({ usagePlans: [{ name: "Partners", consumers: ["acme"], services: ["orders"], rateLimit: 10, burstLimit: 5 }] }),
                one('SecureApiArgs.usagePlans[0].name = "Partners": must be a DNS label of at most 64 characters. Fix: rename the plan'),
            ],
            [
                "a usage plan covering a service the API does not have",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["billing"], rateLimit: 10, burstLimit: 5 }] }),
                one(
                    'SecureApiArgs.usagePlans[0].services[0] = "billing": must name a service of the API (orders, catalog). Fix: list the services whose methods this plan\'s consumers call',
                ),
            ],
            [
                "a usage plan that covers nothing",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], rateLimit: 10, burstLimit: 5 }] }),
                one(
                    "SecureApiArgs.usagePlans[0].services = []: a plan must cover at least one service or the async route: API Gateway meters only methods that require an API key. Fix: list the services the plan's consumers call, or set asyncEvents",
                ),
            ],
            [
                "a usage plan covering the async route of an API without one",
                () => fullWith({ asyncEvents: undefined, usagePlans: [{ name: "partners", consumers: ["acme"], asyncEvents: true, rateLimit: 10, burstLimit: 5 }] }),
                one(
                    "SecureApiArgs.usagePlans[0].asyncEvents = true: covers the async route POST /events/{detailType}, which this API does not have. Fix: set asyncEvents on the API or remove asyncEvents from the plan",
                ),
            ],
            [
                "a usage plan client scope the API does not define",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], scopes: ["orders.admin"], rateLimit: 10, burstLimit: 5 }] }),
                one(
                    'SecureApiArgs.usagePlans[0].scopes[0] = "orders.admin": must be a scope of the API (catalog.read, events.write, orders.read, orders.write). Fix: use a scope one of the services (or the async route) declares',
                ),
            ],
            [
                "a usage plan with an empty scope list",
                () => fullWith({ usagePlans: [{ name: "partners", consumers: ["acme"], services: ["orders"], scopes: [], rateLimit: 10, burstLimit: 5 }] }),
                one(
                    "SecureApiArgs.usagePlans[0].scopes = []: an app client without scopes cannot obtain a token for this API. Fix: list the scopes or remove scopes to use the covered services' scopes",
                ),
            ],
            [
                "cdnOnly with originVerify turned off",
                () => secureApiArgs({ cdnOnly: true, originVerify: false }),
                one(
                    "SecureApiArgs.originVerify = false: cannot be false with cdnOnly: the WAF recognises CloudFront's requests by the secret origin header. Fix: remove originVerify or set cdnOnly to false",
                ),
            ],
            [
                "a truststore chain deeper than 4 certificates",
                () => fullWith({ mtls: { truststorePem: CHAIN_5_PEM, truststoreFileName: "truststore.pem" } }),
                one(
                    `SecureApiArgs.mtls.truststorePem = "truststore.pem (${Buffer.byteLength(CHAIN_5_PEM)} bytes)": holds a certificate chain of 5 certificates (Chain Test Intermediate CA 4 <- Chain Test Intermediate CA 3 <- Chain Test Intermediate CA 2 <- Chain Test Intermediate CA 1 <- Chain Test Root CA); API Gateway accepts a chain of at most 4. Fix: export the trusted CA chain at most 4 certificates deep, certificates only, in PEM`,
                ),
            ],
            [
                "a WAF rate limit below WAF's minimum",
                () => secureApiArgs({ wafRateLimit: 5 }),
                one("SecureApiArgs.wafRateLimit = 5: must be an integer 10-2000000 requests per 5 minutes (WAF rate-based rule). Fix: use e.g. 2000"),
            ],
            [
                "an event source in the aws. namespace",
                () => secureApiArgs({ asyncEvents: { busArn: BUS_ARN, busName: BUS_NAME, source: "aws.orders" } }),
                one(
                    'SecureApiArgs.asyncEvents.source = "aws.orders": must be 1-256 letters, digits, . _ / - and must not start with aws. (reserved for AWS services). Fix: use e.g. platform.api',
                ),
            ],
            [
                "an events scope in the wrong format",
                () => secureApiArgs({ asyncEvents: { busArn: BUS_ARN, busName: BUS_NAME, source: "platform.api", scope: "Events:Write" } }),
                one(
                    'SecureApiArgs.asyncEvents.scope = "Events:Write": must be a scope name: a lowercase letter, then lowercase letters, digits, . _ - (at most 64). Fix: use e.g. events.write',
                ),
            ],
            [
                "a Cognito domain prefix with a reserved word",
                () => secureApiArgs({ auth: { domainPrefix: "aws-platform" } }),
                one(
                    'SecureApiArgs.auth.domainPrefix = "aws-platform": must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen, and must not contain aws, amazon or cognito (Cognito domain prefix). Fix: use e.g. platform-prod-123456789012 (unique in the Region)',
                ),
            ],
            [
                "threat protection on the ESSENTIALS tier",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", userPoolTier: "ESSENTIALS" } }),
                one(
                    'SecureApiArgs.auth.threatProtection = "ENFORCED": threat protection (advancedSecurityMode ENFORCED) requires the PLUS user pool tier, not ESSENTIALS. Fix: set auth.userPoolTier to PLUS, or auth.threatProtection to OFF',
                ),
            ],
            [
                "a password minimum below 12",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", passwordMinimumLength: 8 } }),
                one("SecureApiArgs.auth.passwordMinimumLength = 8: must be an integer 12-99 (platform minimum 12; Cognito maximum 99). Fix: use e.g. 14"),
            ],
            [
                "a temporary password that never expires",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", temporaryPasswordValidityDays: 0 } }),
                one("SecureApiArgs.auth.temporaryPasswordValidityDays = 0: must be an integer 1-365 days. Fix: use e.g. 3"),
            ],
            [
                "an access token valid for less than 5 minutes",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", accessTokenValidityMinutes: 2 } }),
                one("SecureApiArgs.auth.accessTokenValidityMinutes = 2: must be an integer 5-1440 minutes (Cognito: 5 minutes to 1 day). Fix: use e.g. 60"),
            ],
            [
                "an ID token valid for more than a day",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", idTokenValidityMinutes: 2000 } }),
                one("SecureApiArgs.auth.idTokenValidityMinutes = 2000: must be an integer 5-1440 minutes (Cognito: 5 minutes to 1 day). Fix: use e.g. 60"),
            ],
            [
                "a refresh token valid for 0 days",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", refreshTokenValidityDays: 0 } }),
                one("SecureApiArgs.auth.refreshTokenValidityDays = 0: must be an integer 1-3650 days (Cognito: 1 hour to 10 years). Fix: use e.g. 30"),
            ],
            [
                "a plain-HTTP callback URL",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", callbackUrls: ["http://app.example.com/callback"] } }),
                one(
                    'SecureApiArgs.auth.callbackUrls[0] = "http://app.example.com/callback": must be an https URL without a fragment (http only for localhost). Fix: use e.g. https://app.example.com/callback',
                ),
            ],
            [
                "sign-out URLs without a user client",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", logoutUrls: ["https://app.example.com/"] } }),
                one(
                    'SecureApiArgs.auth.logoutUrls = ["https://app.example.com/"]: sign-out URLs belong to the user client, which exists only with callbackUrls. Fix: set auth.callbackUrls or remove auth.logoutUrls',
                ),
            ],
            [
                "a resource server identifier with a space",
                () => secureApiArgs({ auth: { domainPrefix: "platform-test-auth", resourceServerIdentifier: "my api" } }),
                one(
                    'SecureApiArgs.auth.resourceServerIdentifier = "my api": must be 1-256 printable characters without spaces, quotes or backslashes (Cognito resource server identifier). Fix: use e.g. api or https://api.example.com',
                ),
            ],
            [
                "a 0% error-rate threshold",
                () => secureApiArgs({ errorRateThresholdPercent: 0 }),
                one("SecureApiArgs.errorRateThresholdPercent = 0: must be a percentage > 0 and < 100. Fix: use e.g. 1"),
            ],
            [
                "a 0 ms latency threshold",
                () => secureApiArgs({ latencyP99ThresholdMs: 0 }),
                one("SecureApiArgs.latencyP99ThresholdMs = 0: must be 1-30000 ms (the integration timeout is at most 29 s). Fix: use e.g. 2000"),
            ],
        ];

        for (const [title, args, expected] of CASES) {
            it(`rejects: ${title}`, function () {
                assert.deepStrictEqual(problemsOf(args()), expected);
            });
        }

        it("accepts a truststore chain exactly 4 certificates deep", function () {
            assert.deepStrictEqual(problemsOf(fullWith({ mtls: { truststorePem: CHAIN_4_PEM, truststoreFileName: "truststore.pem" } })), []);
        });

        it("validates a Cognito domain prefix only when it is known (the program derives the default from the account id)", function () {
            assert.deepStrictEqual(problemsOf(secureApiArgs({ auth: { domainPrefix: pulumi.output("x-aws-y") } })), []);
            assert.deepStrictEqual(problemsOf(secureApiArgs({ auth: { domainPrefix: "-platform" } })), [
                'SecureApiArgs.auth.domainPrefix = "-platform": must be 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen, and must not contain aws, amazon or cognito (Cognito domain prefix). Fix: use e.g. platform-prod-123456789012 (unique in the Region)',
            ]);
        });

        it("throws one ValidationError listing every problem before creating any resource", async function () {
            const created: string[] = [];
            await assert.rejects(
                record(
                    () =>
                        new SecureApi(
                            "api",
                            secureApiArgs({
                                throttle: { rateLimit: 20_000, burstLimit: 250 },
                                cacheSizeGb: "3",
                                mtls: { truststorePem: TRUSTSTORE_PEM, truststoreFileName: "truststore.pem" },
                                storageKmsKeyArn: API_KEY_ARNS.storage,
                            }),
                        ),
                    {
                        onResource: (r) => created.push(r.type),
                    },
                ),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.strictEqual(
                        err.message,
                        [
                            "SecureApi api: 3 problems found:",
                            "  1. SecureApiArgs.throttle.rateLimit = 20000: must be > 0 and at most 10000 requests per second: API Gateway's account throttle is 10000 rps per Region, shared by every API and stage. Fix: lower throttle.rateLimit (or raise the account quota first)",
                            '  2. SecureApiArgs.cacheSizeGb = "3": must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237 (GB, API Gateway cache cluster sizes). Fix: pick an allowed cache cluster size',
                            '  3. SecureApiArgs.mtls = "truststore.pem": mTLS requires a Regional custom domain: set customDomain too (the execute-api endpoint cannot do mTLS). Fix: set customDomain or remove mtls',
                        ].join("\n"),
                    );
                    return true;
                },
            );
            assert.ok(!created.some((t) => t.startsWith("aws:")), `no AWS resource was registered (got ${created.join(", ")})`);
        });
    });
});

function sorted(counts: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
