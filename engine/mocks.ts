/**
 * Pulumi's mock engine, made faithful enough to review a plan offline:
 * - every registered resource is recorded with its inputs *and* the resource options the mock's
 *   `newResource` never sees (parent, protect, retainOnDelete, ignoreChanges, provider), read from
 *   the monitor's RegisterResource request;
 * - resource transforms run as the engine would run them (own, then inherited from ancestors, then
 *   stack transforms), so default tags are visible in tests and in the offline plan;
 * - resources get realistic outputs (ids, ARNs with account and Region, endpoints, awsx VPC outputs);
 * - invokes are answered only where the program uses them; any other invoke throws, so an unmocked
 *   lookup fails loudly instead of returning junk.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

export const MOCK_ACCOUNT_ID = "123456789012";

/** One resource as registered by the program. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** URN of the parent resource (the stack for top-level resources). */
    readonly parent: string | undefined;
    /** Inputs after transforms, as the provider would receive them (secrets unwrapped). */
    readonly inputs: Record<string, unknown>;
    /** Keys of `inputs` that were Pulumi secrets. */
    readonly secretInputs: readonly string[];
    /** The provider id the mock assigned (custom resources). */
    readonly id: string | undefined;
    /** The state the mock returned: inputs plus realistic outputs (secrets unwrapped). */
    readonly state: Record<string, unknown>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: readonly string[];
    readonly dependencies: readonly string[];
    readonly provider: string | undefined;
    readonly deleteBeforeReplace: boolean;
    readonly aliases: readonly string[];
}

interface PendingRegistration {
    inputs?: Record<string, unknown>;
    id?: string;
    state?: Record<string, unknown>;
}

/** Resolves Outputs and promises nested in transform results, as the engine's serialization would. */
async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const inner = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
        return resolveDeep(inner);
    }
    if (value instanceof Promise) {
        return resolveDeep(await value);
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolveDeep));
    }
    if (value !== null && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = await resolveDeep(v);
        }
        return out;
    }
    return value;
}

/**
 * The id the mock's route53.getZone returns. A private and a public zone may share a name (split
 * horizon), so the id depends on both: a lookup of the wrong kind yields a different zone, and
 * tests can tell which one a record was put in.
 */
export function mockHostedZoneId(name: string, privateZone: boolean): string {
    return `Z${shortHash(`${name}|${privateZone ? "private" : "public"}`, 12).toUpperCase()}`;
}

/** Deterministic short hash, so plans are reproducible run to run. */
export function shortHash(text: string, length = 7): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A scalar input or output (an id, a name, an ARN) as text, or `fallback` when it is unset.
 * Structured values never reach these fields; should one, it shows as JSON, not "[object Object]".
 */
function text(value: unknown, fallback: string): string {
    if (value === undefined || value === null) {
        return fallback;
    }
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
        return String(value);
    }
    return JSON.stringify(value);
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Removes Pulumi's secret wrappers; returns the plain value and whether anything was secret. */
export function unwrapSecrets(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        let secret = false;
        const out = value.map((v) => {
            const r = unwrapSecrets(v);
            secret ||= r.secret;
            return r.value;
        });
        return { value: out, secret };
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SECRET_SIG] === SECRET_VALUE) {
            return { value: unwrapSecrets(obj.value).value, secret: true };
        }
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            const r = unwrapSecrets(v);
            secret ||= r.secret;
            out[k] = r.value;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/** The physical name the mock engine autonames a resource with (logical name + "-" + 7 characters). */
export function mockPhysicalName(type: string, name: string): string {
    return `${name}-${shortHash(`${type}::${name}`)}`;
}

/** The ARN the mock engine gives a KMS key (tests compare references against it). */
export function mockKeyArn(type: string, name: string, region = "eu-west-1"): string {
    const h = (n: number) => shortHash(`${type}::${name}`, n);
    return `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${h(8)}-${h(4)}-4${h(3)}-8${h(3)}-${h(12)}`;
}

/**
 * The ELB log-delivery account of each Region that has one: the Regions available before August
 * 2022 (AWS ELB guide, "Enable access logs for your Application Load Balancer", step 2; GovCloud
 * and China from their own guides; the AWS provider's `aws_elb_service_account` has the same table).
 * Newer Regions (il-central-1, me-central-1, ...) authorize the log-delivery service principal only.
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
};

/** Managed CloudFront policies by name (their ids are fixed by AWS). */
export const CLOUDFRONT_MANAGED_POLICY_IDS: Readonly<Record<string, string>> = {
    "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    "Managed-AllViewer": "216adef6-5c7f-47e4-b989-5492eafa07d3",
    "Managed-CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    "Managed-SecurityHeadersPolicy": "67f7725c-6f97-4210-82d7-5512b31e9d03",
};

export interface MockEngineOptions {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    /** Called for each resource as it is recorded (progress output). */
    readonly onResource?: (resource: RecordedResource) => void;
}

/**
 * Mocks for `pulumi.runtime.setMocks` plus the recorder. Create one per program run.
 */
export class PlatformMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    private readonly stackTransforms: pulumi.ResourceTransform[] = [];
    private readonly transformsByUrn = new Map<string, pulumi.ResourceTransform[]>();
    private readonly pending = new Map<string, PendingRegistration[]>();
    private readonly parentByKey = new Map<string, (string | undefined)[]>();

    constructor(private readonly options: MockEngineOptions) {}

    get region(): string {
        return this.options.region;
    }

    registerTransform(transform: pulumi.ResourceTransform): void {
        this.stackTransforms.push(transform);
    }

    /** Physical name Pulumi's autonaming would pick: logical name + "-" + 7 characters. */
    autoname(name: string, type: string): string {
        return mockPhysicalName(type, name);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
        const key = `${args.type}::${args.name}`;
        const parentQueue = this.parentByKey.get(key) ?? [];
        const parent = parentQueue.shift();
        let props: Record<string, unknown> = { ...(args.inputs as Record<string, unknown>) };

        // Transforms in engine order: the resource's own, its ancestors', then the stack's.
        const chain: pulumi.ResourceTransform[] = [...(args.transforms ?? [])];
        for (let p = parent; p !== undefined; p = this.parentOf(p)) {
            chain.push(...(this.transformsByUrn.get(p) ?? []));
        }
        chain.push(...this.stackTransforms);
        for (const transform of chain) {
            const result = await transform({
                custom: args.custom ?? true,
                type: args.type,
                name: args.name,
                props,
                opts: parent ? { parent: new pulumi.DependencyResource(parent) } : {},
            });
            if (result) {
                props = (await resolveDeep(result.props)) as Record<string, unknown>;
            }
        }
        if (args.transforms && args.transforms.length > 0) {
            this.ownTransforms.set(key, args.transforms);
        }

        const queue = this.pending.get(key) ?? [];
        const pending: PendingRegistration = { inputs: props };
        queue.push(pending);
        this.pending.set(key, queue);

        if (!args.custom && args.type !== "awsx:ec2:Vpc") {
            // Local component resources have no provider state.
            return { id: undefined, state: {} };
        }
        const { value: plain } = unwrapSecrets(props);
        const outputs = this.outputsFor(args.type, args.name, plain as Record<string, unknown>);
        const id = text(outputs.id, `${args.name}-id`);
        pending.id = id;
        pending.state = { ...(plain as Record<string, unknown>), ...outputs };
        return { id, state: { ...props, ...outputs } };
    }

    private readonly ownTransforms = new Map<string, pulumi.ResourceTransform[]>();
    private readonly parents = new Map<string, string | undefined>();

    private parentOf(urn: string): string | undefined {
        return this.parents.get(urn);
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const region = this.options.region;
        const inputs = args.inputs as Record<string, unknown>;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`, userId: "AIDAMOCKUSER", id: MOCK_ACCOUNT_ID };
            case "aws:index/getRegion:getRegion":
                return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    names: ["a", "b", "c", "d"].map((s) => `${region}${s}`),
                    zoneIds: [1, 2, 3, 4].map((n) => `${region.slice(0, 3)}1-az${n}`),
                    id: region,
                    groupNames: [region],
                };
            case "aws:elb/getServiceAccount:getServiceAccount": {
                const target = (inputs.region as string | undefined) ?? region;
                const account = ELB_ACCOUNT_BY_REGION[target];
                if (!account) {
                    throw new Error(
                        `aws.elb.getServiceAccount: Region ${target} has no ELB log-delivery account (it uses the logdelivery.elasticloadbalancing.amazonaws.com principal)`,
                    );
                }
                const partition = target.startsWith("cn-") ? "aws-cn" : target.startsWith("us-gov-") ? "aws-us-gov" : "aws";
                return { id: account, arn: `arn:${partition}:iam::${account}:root`, region: target };
            }
            case "aws:route53/getZone:getZone": {
                const name = text(inputs.name, "");
                const privateZone = inputs.privateZone === true;
                const zoneId = mockHostedZoneId(name, privateZone);
                return { zoneId, id: zoneId, name, privateZone, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: ["ns-1.awsdns-01.org"] };
            }
            case "aws:cloudfront/getCachePolicy:getCachePolicy":
            case "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
            case "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy": {
                const name = text(inputs.name, "");
                const id = CLOUDFRONT_MANAGED_POLICY_IDS[name];
                if (!id) {
                    throw new Error(`${args.token}: no managed policy named ${name} in the mock (known: ${Object.keys(CLOUDFRONT_MANAGED_POLICY_IDS).join(", ")})`);
                }
                return { id, name };
            }
            default:
                throw new Error(`Unmocked invoke ${args.token}(${JSON.stringify(inputs)}): add it to engine/mocks.ts if the program really needs it`);
        }
    }

    /** Realistic provider outputs for each type the program creates. */
    private outputsFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
        const region = (inputs.region as string | undefined) ?? this.options.region;
        const account = MOCK_ACCOUNT_ID;
        const physical = (field = "name") => (typeof inputs[field] === "string" ? inputs[field] : this.autoname(name, type));
        const h = (n = 8) => shortHash(`${type}::${name}`, n);
        const arn = (service: string, resource: string, r: string = region) => `arn:aws:${service}:${r}:${account}:${resource}`;
        switch (type) {
            case "awsx:ec2:Vpc": {
                const azs = Number(inputs.numberOfAvailabilityZones ?? 2);
                const ids = (tier: string) => Array.from({ length: azs }, (_, i) => `subnet-${tier}${i}${h(6)}`);
                const vpcId = `vpc-${h(12)}`;
                return {
                    id: vpcId,
                    vpcId,
                    publicSubnetIds: ids("pub"),
                    privateSubnetIds: ids("prv"),
                    isolatedSubnetIds: ids("iso"),
                    natGateways: [],
                    eips: [],
                    routeTables: [],
                    subnets: [],
                    vpcEndpoints: [],
                };
            }
            case "aws:kms/key:Key": {
                const keyId = `${h(8)}-${h(4)}-4${h(3)}-8${h(3)}-${h(12)}`;
                return { id: keyId, keyId, arn: arn("kms", `key/${keyId}`) };
            }
            case "aws:kms/alias:Alias":
                return { id: physical(), arn: arn("kms", physical()), targetKeyArn: arn("kms", "key/target") };
            case "aws:cloudwatch/logGroup:LogGroup":
                return { id: physical(), name: physical(), arn: arn("logs", `log-group:${physical()}`) };
            case "aws:iam/role:Role":
                return { id: physical(), name: physical(), arn: `arn:aws:iam::${account}:role/${physical()}`, uniqueId: `AROA${h(16).toUpperCase()}` };
            case "aws:iam/policy:Policy":
                return { id: `arn:aws:iam::${account}:policy/${physical()}`, name: physical(), arn: `arn:aws:iam::${account}:policy/${physical()}` };
            case "aws:ec2/securityGroup:SecurityGroup":
                return { id: `sg-${h(17)}`, arn: arn("ec2", `security-group/sg-${h(17)}`) };
            case "aws:ec2/flowLog:FlowLog":
                return { id: `fl-${h(17)}`, arn: arn("ec2", `vpc-flow-log/fl-${h(17)}`) };
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                const bucket = physical("bucket");
                return {
                    id: bucket,
                    bucket,
                    arn: `arn:aws:s3:::${bucket}`,
                    bucketDomainName: `${bucket}.s3.amazonaws.com`,
                    bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
                    region,
                };
            }
            case "aws:s3/bucketObjectv2:BucketObjectv2":
            case "aws:s3/bucketObject:BucketObject":
                return { id: text(inputs.key, name), versionId: `v${h(20)}`, etag: h(32) };
            case "aws:lb/loadBalancer:LoadBalancer":
            case "aws:alb/loadBalancer:LoadBalancer": {
                const lbName = physical();
                const suffix = `app/${lbName}/${h(16)}`;
                const internal = inputs.internal === true ? "internal-" : "";
                return {
                    id: arn("elasticloadbalancing", `loadbalancer/${suffix}`),
                    arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`),
                    arnSuffix: suffix,
                    dnsName: `${internal}${lbName}-${h(10)}.${region}.elb.amazonaws.com`,
                    zoneId: "Z32O12XQLNTSW2",
                    name: lbName,
                };
            }
            case "aws:lb/targetGroup:TargetGroup":
            case "aws:alb/targetGroup:TargetGroup": {
                const tg = physical();
                const suffix = `targetgroup/${tg}/${h(16)}`;
                return { id: arn("elasticloadbalancing", suffix), arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix, name: tg };
            }
            case "aws:lb/listener:Listener":
            case "aws:alb/listener:Listener":
                return { id: arn("elasticloadbalancing", `listener/app/${name}/${h(16)}/${h(16)}`), arn: arn("elasticloadbalancing", `listener/app/${name}/${h(16)}/${h(16)}`) };
            case "aws:lb/listenerRule:ListenerRule":
            case "aws:alb/listenerRule:ListenerRule":
                return { id: arn("elasticloadbalancing", `listener-rule/app/${name}/${h(16)}`), arn: arn("elasticloadbalancing", `listener-rule/app/${name}/${h(16)}`) };
            case "aws:acm/certificate:Certificate": {
                const domain = text(inputs.domainName, `${name}.example.com`);
                const names = [domain, ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
                return {
                    id: arn("acm", `certificate/${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`, region),
                    arn: arn("acm", `certificate/${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`, region),
                    domainValidationOptions: names.map((d) => ({
                        domainName: d,
                        resourceRecordName: `_${shortHash(d, 10)}.${d.replace(/^\*\./, "")}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${shortHash(`v${d}`, 10)}.acm-validations.aws.`,
                    })),
                    status: "ISSUED",
                };
            }
            case "aws:acm/certificateValidation:CertificateValidation":
                return { id: text(inputs.certificateArn, name) };
            case "aws:route53/zone:Zone": {
                const zoneId = `Z${h(12).toUpperCase()}`;
                return { id: zoneId, zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [] };
            }
            case "aws:route53/record:Record":
                return { id: `${String(inputs.zoneId)}_${String(inputs.name)}_${String(inputs.type)}`, fqdn: String(inputs.name) };
            case "aws:ecs/cluster:Cluster":
                return { id: arn("ecs", `cluster/${physical()}`), arn: arn("ecs", `cluster/${physical()}`), name: physical() };
            case "aws:ecs/taskDefinition:TaskDefinition":
                return {
                    id: physical("family"),
                    arn: arn("ecs", `task-definition/${physical("family")}:1`),
                    revision: 1,
                    arnWithoutRevision: arn("ecs", `task-definition/${physical("family")}`),
                };
            case "aws:ecs/service:Service":
                return { id: arn("ecs", `service/${physical()}`), name: physical() };
            case "aws:rds/cluster:Cluster": {
                const id = physical("clusterIdentifier");
                return {
                    id,
                    clusterIdentifier: id,
                    arn: arn("rds", `cluster:${id}`),
                    endpoint: `${id}.cluster-${h(12)}.${region}.rds.amazonaws.com`,
                    readerEndpoint: `${id}.cluster-ro-${h(12)}.${region}.rds.amazonaws.com`,
                    clusterResourceId: `cluster-${h(26).toUpperCase()}`,
                    port: inputs.port ?? 5432,
                    masterUserSecrets: inputs.manageMasterUserPassword
                        ? [{ secretArn: arn("secretsmanager", `secret:rds!cluster-${h(8)}-${h(6)}`), secretStatus: "active", kmsKeyId: inputs.masterUserSecretKmsKeyId }]
                        : [],
                };
            }
            case "aws:rds/clusterInstance:ClusterInstance": {
                const id = physical("identifier");
                return { id, identifier: id, arn: arn("rds", `db:${id}`), endpoint: `${id}.${h(12)}.${region}.rds.amazonaws.com` };
            }
            case "aws:dynamodb/table:Table": {
                const table = physical();
                return {
                    id: table,
                    name: table,
                    arn: arn("dynamodb", `table/${table}`),
                    streamArn: inputs.streamEnabled ? arn("dynamodb", `table/${table}/stream/2026-01-01T00:00:00.000`) : "",
                };
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const id = physical("replicationGroupId");
                return {
                    id,
                    arn: arn("elasticache", `replicationgroup:${id}`),
                    primaryEndpointAddress: `master.${id}.${h(6)}.${region.replace(/-/g, "")}.cache.amazonaws.com`,
                    readerEndpointAddress: `replica.${id}.${h(6)}.${region.replace(/-/g, "")}.cache.amazonaws.com`,
                    port: inputs.port ?? 6379,
                };
            }
            case "aws:sqs/queue:Queue": {
                // pulumi-aws appends .fifo to autonamed FIFO queues (pulumi-aws#1398).
                const queue = typeof inputs.name === "string" ? inputs.name : inputs.fifoQueue === true ? `${physical()}.fifo` : physical();
                return {
                    id: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
                    url: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
                    arn: arn("sqs", queue),
                    name: queue,
                };
            }
            case "aws:sns/topic:Topic":
                return { id: arn("sns", physical()), arn: arn("sns", physical()), name: physical() };
            case "aws:cloudwatch/eventBus:EventBus":
                return { id: physical(), name: physical(), arn: arn("events", `event-bus/${physical()}`) };
            case "aws:cloudwatch/eventRule:EventRule": {
                const bus = typeof inputs.eventBusName === "string" ? `${inputs.eventBusName}/` : "";
                return { id: `${bus}${physical()}`, name: physical(), arn: arn("events", `rule/${bus}${physical()}`) };
            }
            case "aws:cloudwatch/eventArchive:EventArchive":
                return { id: physical(), arn: arn("events", `archive/${physical()}`) };
            case "aws:secretsmanager/secret:Secret":
                return { id: arn("secretsmanager", `secret:${physical()}-${h(6)}`), arn: arn("secretsmanager", `secret:${physical()}-${h(6)}`) };
            case "aws:apigateway/restApi:RestApi":
                return { id: h(10), rootResourceId: h(10), executionArn: arn("execute-api", h(10)), arn: `arn:aws:apigateway:${region}::/restapis/${h(10)}` };
            case "aws:apigateway/stage:Stage": {
                const api = text(inputs.restApi, "api");
                const stage = text(inputs.stageName, name);
                return {
                    id: `ags-${api}-${stage}`,
                    arn: `arn:aws:apigateway:${region}::/restapis/${api}/stages/${stage}`,
                    invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${stage}`,
                    executionArn: arn("execute-api", `${api}/${stage}`),
                };
            }
            case "aws:apigateway/domainName:DomainName": {
                const domain = text(inputs.domainName, name);
                return {
                    id: domain,
                    arn: `arn:aws:apigateway:${region}::/domainnames/${domain}`,
                    regionalDomainName: `d-${h(10)}.execute-api.${region}.amazonaws.com`,
                    regionalZoneId: "ZMOCKAPIGWREGION",
                    cloudfrontDomainName: "",
                    cloudfrontZoneId: "Z2FDTNDATAQYW2",
                };
            }
            case "aws:apigateway/apiKey:ApiKey":
                return { id: h(10), arn: `arn:aws:apigateway:${region}::/apikeys/${h(10)}`, value: `key-${h(20)}` };
            case "aws:apigateway/usagePlan:UsagePlan":
                return { id: h(6), arn: `arn:aws:apigateway:${region}::/usageplans/${h(6)}` };
            case "aws:apigatewayv2/vpcLink:VpcLink":
                return { id: h(6), arn: `arn:aws:apigateway:${region}::/vpclinks/${h(6)}` };
            case "aws:cognito/userPool:UserPool":
                return { id: `${region}_${h(9)}`, arn: arn("cognito-idp", `userpool/${region}_${h(9)}`), endpoint: `cognito-idp.${region}.amazonaws.com/${region}_${h(9)}` };
            case "aws:cognito/userPoolClient:UserPoolClient":
                return { id: h(26), clientSecret: inputs.generateSecret ? `secret-${h(40)}` : "" };
            case "aws:cognito/resourceServer:ResourceServer":
                return {
                    id: `${String(inputs.userPoolId)}|${String(inputs.identifier)}`,
                    scopeIdentifiers: ((inputs.scopes as { scopeName: string }[] | undefined) ?? []).map((s) => `${String(inputs.identifier)}/${s.scopeName}`),
                };
            case "aws:wafv2/webAcl:WebAcl": {
                const scope = text(inputs.scope, "REGIONAL") === "CLOUDFRONT" ? "global" : "regional";
                return { id: `${h(8)}-${h(4)}`, arn: arn("wafv2", `${scope}/webacl/${physical()}/${h(8)}`, scope === "global" ? "us-east-1" : region), capacity: 700 };
            }
            case "aws:cloudfront/distribution:Distribution":
                return {
                    id: `E${h(13).toUpperCase()}`,
                    arn: `arn:aws:cloudfront::${account}:distribution/E${h(13).toUpperCase()}`,
                    domainName: `d${h(13)}.cloudfront.net`,
                    hostedZoneId: "Z2FDTNDATAQYW2",
                    status: "Deployed",
                };
            case "aws:cloudfront/originAccessControl:OriginAccessControl":
            case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
            case "aws:cloudfront/cachePolicy:CachePolicy":
                return { id: `${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`, etag: h(12) };
            case "random:index/randomPassword:RandomPassword":
            case "random:index/randomString:RandomString": {
                const length = Number(inputs.length ?? 32);
                const result = createHash("sha512")
                    .update(`${type}::${name}`)
                    .digest("base64")
                    .replace(/[^A-Za-z0-9]/g, "")
                    .padEnd(length, "x")
                    .slice(0, length);
                return { id: "none", result };
            }
            case "aws:rds/subnetGroup:SubnetGroup":
            case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
            case "aws:elasticache/subnetGroup:SubnetGroup": {
                // The provider's id is the group's name.
                const group = typeof inputs.name === "string" ? inputs.name : `${name}-${h(8)}`;
                return { id: group, name: group, arn: arn(type.startsWith("aws:rds") ? "rds" : "elasticache", `${type.includes("subnet") ? "subgrp" : "cluster-pg"}:${group}`) };
            }
            case "aws:appautoscaling/target:Target":
                return { id: text(inputs.resourceId, name), arn: arn("application-autoscaling", `scalable-target/${h(20)}`) };
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return { id: physical(), arn: arn("cloudwatch", `alarm:${physical()}`) };
            default: {
                // Generic outputs never shadow an input (e.g. an aws.sns.TopicPolicy's `arn` names its topic).
                const generic = { id: `${name}-${h(8)}`, arn: arn(type.split(":")[1]?.split("/")[0] ?? "mock", `${name}-${h(8)}`) };
                return "arn" in inputs ? { id: generic.id } : generic;
            }
        }
    }

    /** Called by the monitor hook with the options of each registration request. */
    onRegister(req: RegisterRequest, urn: string): void {
        const key = `${req.getType()}::${req.getName()}`;
        const queue = this.pending.get(key) ?? [];
        const pending = queue.shift() ?? {};
        const parent = req.getParent() || undefined;
        this.parents.set(urn, parent);
        const own = this.ownTransforms.get(key);
        if (own) {
            this.transformsByUrn.set(urn, own);
            this.ownTransforms.delete(key);
        }
        const unwrapped = unwrapSecrets(pending.inputs ?? {});
        const inputs = unwrapped.value as Record<string, unknown>;
        const secretInputs = Object.keys(pending.inputs ?? {}).filter((k) => unwrapSecrets((pending.inputs ?? {})[k]).secret);
        const record: RecordedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent,
            inputs,
            secretInputs,
            id: pending.id,
            state: pending.state ?? {},
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            ignoreChanges: req.getIgnorechangesList(),
            dependencies: req.getDependenciesList(),
            provider: req.getProvider() || undefined,
            deleteBeforeReplace: req.getDeletebeforereplace() === true,
            aliases: req.getAliasesList().map((a) => a.getUrn() || a.getSpec()?.getName() || ""),
        };
        this.resources.push(record);
        this.options.onResource?.(record);
    }

    /** Called before the mock's newResource runs, so transforms know the parent. */
    beforeRegister(req: RegisterRequest): void {
        const key = `${req.getType()}::${req.getName()}`;
        const queue = this.parentByKey.get(key) ?? [];
        queue.push(req.getParent() || undefined);
        this.parentByKey.set(key, queue);
    }
}

/** The parts of the RegisterResourceRequest protobuf the recorder reads. */
export interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
    getProvider(): string;
    getDeletebeforereplace(): boolean;
    getAliasesList(): { getUrn(): string; getSpec(): { getName(): string } | undefined }[];
}

interface RegisterResponse {
    getUrn(): string;
}

/**
 * Installs `mocks` as the Pulumi runtime's engine for a fresh run and hooks the mock monitor so
 * every RegisterResource request is recorded with its options.
 */
export async function installMockEngine(mocks: PlatformMocks, options: MockEngineOptions, config: Record<string, string>, secretKeys: string[]): Promise<void> {
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
    const monitor = pulumi.runtime.getMonitor();
    if (!(monitor instanceof MockMonitor)) {
        throw new Error("engine/mocks: expected Pulumi's MockMonitor after setMocks");
    }
    const mockMonitor: MockMonitor = monitor;
    const register = mockMonitor.registerResource.bind(mockMonitor);
    mockMonitor.registerResource = (req: RegisterRequest, callback: (err: unknown, response: RegisterResponse | undefined) => void) => {
        mocks.beforeRegister(req);
        return register(req, (err: unknown, response: RegisterResponse | undefined) => {
            if (!err && response) {
                mocks.onRegister(req, response.getUrn());
            }
            callback(err, response);
        });
    };
}
