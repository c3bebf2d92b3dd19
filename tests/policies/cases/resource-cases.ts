import { PolicyConfigFile } from "../../../policies/evaluate";
import { DEFAULT_ALLOWED_SSL_POLICIES } from "../../../policies/rules/encryption-in-transit";
import { UNKNOWN } from "../helpers";

/*
 * Table of resource-policy cases. Each policy has: a compliant baseline (plus compliant variants:
 * alias tokens, other accepted forms), one violation per violating property with the exact
 * messages, a resource of another type (not applicable, with the server's reason), and a property
 * that is unknown during preview (reported as such by the policy server).
 */

export interface Variant {
    /** What the variant shows. */
    when: string;
    /** Type token; defaults to the case's type. */
    type?: string;
    /** Applied to the case's base props ("a.b" paths, undefined deletes)... */
    patch?: Record<string, unknown>;
    /** ...or full props (for another type). */
    props?: Record<string, unknown>;
    config?: PolicyConfigFile;
}

export interface ViolationVariant extends Variant {
    /** Exact messages, in report order. */
    messages: string[];
}

export interface NotApplicableVariant extends Variant {
    reason: string;
}

export interface ResourceCase {
    policy: string;
    type: string;
    /** Compliant props. */
    base: Record<string, unknown>;
    compliant?: Variant[];
    violations: ViolationVariant[];
    /** A resource of another type, and the reason the server gives. */
    otherType: { type: string; props: Record<string, unknown>; reason: string };
    /** More not-applicable situations of the policy's own type. */
    notApplicable?: NotApplicableVariant[];
    /** Patch that makes a property unknown, and the path the server names. */
    unknown: { patch: Record<string, unknown>; path: string; type?: string; props?: Record<string, unknown> };
}

export const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const only = (...tokens: string[]) => `Policy only applies to resources of type ${tokens.map((t) => `'${t}'`).join(" or ")}`;

const T = {
    cluster: "aws:rds/cluster:Cluster",
    instance: "aws:rds/instance:Instance",
    table: "aws:dynamodb/table:Table",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
    cacheCluster: "aws:elasticache/cluster:Cluster",
    queue: "aws:sqs/queue:Queue",
    topic: "aws:sns/topic:Topic",
    bus: "aws:cloudwatch/eventBus:EventBus",
    archive: "aws:cloudwatch/eventArchive:EventArchive",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    secret: "aws:secretsmanager/secret:Secret",
    volume: "aws:ebs/volume:Volume",
    ec2Instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    efs: "aws:efs/fileSystem:FileSystem",
    kmsKey: "aws:kms/key:Key",
    lbListener: "aws:lb/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    alb: "aws:alb/loadBalancer:LoadBalancer",
    domain: "aws:apigateway/domainName:DomainName",
    domainV2: "aws:apigatewayv2/domainName:DomainName",
    restApi: "aws:apigateway/restApi:RestApi",
    distribution: "aws:cloudfront/distribution:Distribution",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    bucketAcl: "aws:s3/bucketAcl:BucketAcl",
    bucketAclV2: "aws:s3/bucketAclV2:BucketAclV2",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    ecsService: "aws:ecs/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
    asg: "aws:autoscaling/group:Group",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    iamPolicy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    role: "aws:iam/role:Role",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
    stage: "aws:apigateway/stage:Stage",
    stageV2: "aws:apigatewayv2/stage:Stage",
    deployment: "aws:apigateway/deployment:Deployment",
};

// ------------------------------------------------------------------------------------------------
// Shared compliant baselines
// ------------------------------------------------------------------------------------------------

const auroraCluster = {
    engine: "aurora-postgresql",
    engineVersion: "16.4",
    storageEncrypted: true,
    kmsKeyId: KEY,
    deletionProtection: true,
    backupRetentionPeriod: 7,
    dbClusterParameterGroupName: "orders-pg",
};
const dbInstance = {
    engine: "postgres",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageEncrypted: true,
    kmsKeyId: KEY,
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 7,
};
const replicationGroup = {
    description: "cache",
    engine: "valkey",
    nodeType: "cache.t4g.small",
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    atRestEncryptionEnabled: true,
    kmsKeyId: KEY,
    transitEncryptionEnabled: true,
    snapshotRetentionLimit: 7,
};
const httpsListener = {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/internal/abc",
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc",
    defaultActions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/svc/abc" }],
};
const redirectListener = {
    loadBalancerArn: httpsListener.loadBalancerArn,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
};
const alb = {
    internal: true,
    loadBalancerType: "application",
    subnets: ["subnet-a", "subnet-b", "subnet-c"],
    securityGroups: ["sg-alb"],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    accessLogs: { bucket: "alb-logs", enabled: true },
};
const distribution = {
    enabled: true,
    origins: [
        { domainName: "site.s3.eu-west-1.amazonaws.com", originId: "site" },
        { domainName: "api.example.com", originId: "api" },
    ],
    defaultCacheBehavior: { targetOriginId: "site", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] },
    orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "https-only", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] }],
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/cf", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    webAclId: "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/abc",
    loggingConfig: { bucket: "cf-logs.s3.amazonaws.com" },
};
const ecsService = {
    cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/platform",
    taskDefinition: "svc-a:1",
    desiredCount: 2,
    launchType: "FARGATE",
    networkConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-task"], assignPublicIp: false },
};
const stage = {
    restApi: "api123",
    deployment: "dep1",
    stageName: "prod",
    accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:111122223333:log-group:api-access", format: '{"requestId":"$context.requestId"}' },
};

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const readQueue = { Sid: "ReadQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: "arn:aws:sqs:eu-west-1:111122223333:orders" };
const WILDCARD_FIX = "wildcards grant every current and future action; list only the actions the workload needs.";
const NOT_ACTION_FIX = "uses NotAction with Allow, which grants every action except the listed ones: list the allowed actions in Action instead.";
const LISTENER_FIX =
    'plaintext requests are served; use protocol HTTPS, or make the only default action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.';
const API_TLS_ALLOWED = "TLS_1_2, SecurityPolicy_TLS13_*";
const CF_TLS_ALLOWED = "TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025";
const BUS_ARN = "arn:aws:events:eu-west-1:111122223333:event-bus/orders";
const MANAGED_FIX = "attach a customer-managed policy that lists only the actions the workload needs.";
const EBS_FIX = "set encrypted: true and kmsKeyId to a customer-managed KMS key ARN.";

/** JSON.parse's own message for `text` (it differs between Node versions). */
function jsonError(text: string): string {
    try {
        JSON.parse(text);
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    throw new Error("valid JSON");
}

export const resourceCases: ResourceCase[] = [
    // --------------------------------------------------------------------------------------------
    // Encryption at rest
    // --------------------------------------------------------------------------------------------
    {
        policy: "rds-cluster-encrypted-cmk",
        type: T.cluster,
        base: auroraCluster,
        violations: [
            {
                when: "storageEncrypted is false",
                patch: { storageEncrypted: false },
                messages: [
                    "storageEncrypted is not true: the cluster's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                ],
            },
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: ["kmsKeyId is not set: storage would be encrypted with the AWS managed key aws/rds; set kmsKeyId to a customer-managed KMS key ARN."],
            },
        ],
        otherType: { type: T.instance, props: dbInstance, reason: only(T.cluster) },
        unknown: { patch: { kmsKeyId: UNKNOWN }, path: "kmsKeyId" },
    },
    {
        policy: "rds-instance-encrypted-cmk",
        type: T.instance,
        base: dbInstance,
        violations: [
            {
                when: "storageEncrypted is missing",
                patch: { storageEncrypted: undefined },
                messages: [
                    "storageEncrypted is not true: the instance's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                ],
            },
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: ["kmsKeyId is not set: storage would be encrypted with the AWS managed key aws/rds; set kmsKeyId to a customer-managed KMS key ARN."],
            },
        ],
        otherType: { type: T.cluster, props: auroraCluster, reason: only(T.instance) },
        unknown: { patch: { storageEncrypted: UNKNOWN }, path: "storageEncrypted" },
    },
    {
        policy: "dynamodb-table-cmk",
        type: T.table,
        base: {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            serverSideEncryption: { enabled: true, kmsKeyArn: KEY },
            pointInTimeRecovery: { enabled: true },
            deletionProtectionEnabled: true,
        },
        violations: [
            {
                when: "serverSideEncryption is missing",
                patch: { serverSideEncryption: undefined },
                messages: [
                    "serverSideEncryption.enabled is not true: the table is encrypted with an AWS owned key; set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }.",
                ],
            },
            {
                when: "serverSideEncryption.enabled is false",
                patch: { "serverSideEncryption.enabled": false },
                messages: [
                    "serverSideEncryption.enabled is not true: the table is encrypted with an AWS owned key; set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }.",
                ],
            },
            {
                when: "serverSideEncryption.kmsKeyArn is missing",
                patch: { "serverSideEncryption.kmsKeyArn": undefined },
                messages: ["serverSideEncryption.kmsKeyArn is not set: the table would use the AWS managed key aws/dynamodb; set kmsKeyArn to a customer-managed KMS key ARN."],
            },
        ],
        otherType: { type: T.queue, props: { kmsMasterKeyId: KEY }, reason: only(T.table) },
        unknown: { patch: { "serverSideEncryption.kmsKeyArn": UNKNOWN }, path: "serverSideEncryption.kmsKeyArn" },
    },
    {
        policy: "elasticache-encrypted-at-rest-cmk",
        type: T.replicationGroup,
        base: replicationGroup,
        compliant: [{ when: "a serverless cache with a CMK", type: T.serverlessCache, props: { engine: "valkey", kmsKeyId: KEY } }],
        violations: [
            {
                when: "atRestEncryptionEnabled is false",
                patch: { atRestEncryptionEnabled: false },
                messages: [
                    "atRestEncryptionEnabled is not true: cached data, backups and snapshots are unencrypted on disk, and this can only be chosen at creation; set atRestEncryptionEnabled: true.",
                ],
            },
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: ["kmsKeyId is not set: data at rest would be encrypted with an AWS managed key; set kmsKeyId to a customer-managed KMS key ARN."],
            },
            {
                when: "a serverless cache has no kmsKeyId",
                type: T.serverlessCache,
                props: { engine: "valkey" },
                messages: ["kmsKeyId is not set: the serverless cache would be encrypted with an AWS owned key; set kmsKeyId to a customer-managed KMS key ARN."],
            },
        ],
        otherType: { type: T.cacheCluster, props: { engine: "redis" }, reason: only(T.replicationGroup, T.serverlessCache) },
        unknown: { patch: { kmsKeyId: UNKNOWN }, path: "kmsKeyId" },
    },
    {
        policy: "sqs-queue-cmk",
        type: T.queue,
        base: { name: "orders", kmsMasterKeyId: KEY },
        violations: [
            {
                when: "kmsMasterKeyId is missing (SQS-managed SSE)",
                patch: { kmsMasterKeyId: undefined, sqsManagedSseEnabled: true },
                messages: ["kmsMasterKeyId is not set: messages are encrypted with SQS-owned keys (or not at all); set kmsMasterKeyId to a customer-managed KMS key."],
            },
            {
                when: "kmsMasterKeyId is alias/aws/sqs",
                patch: { kmsMasterKeyId: "alias/aws/sqs" },
                messages: [
                    "kmsMasterKeyId is the AWS managed key alias/aws/sqs, which EventBridge and SNS cannot use to deliver messages and whose key policy cannot be changed; use a customer-managed KMS key.",
                ],
            },
        ],
        otherType: { type: T.topic, props: { kmsMasterKeyId: KEY }, reason: only(T.queue) },
        unknown: { patch: { kmsMasterKeyId: UNKNOWN }, path: "kmsMasterKeyId" },
    },
    {
        policy: "sns-topic-cmk",
        type: T.topic,
        base: { name: "events", kmsMasterKeyId: KEY },
        violations: [
            {
                when: "kmsMasterKeyId is missing",
                patch: { kmsMasterKeyId: undefined },
                messages: ["kmsMasterKeyId is not set: messages are stored unencrypted; set kmsMasterKeyId to a customer-managed KMS key."],
            },
            {
                when: "kmsMasterKeyId is alias/aws/sns",
                patch: { kmsMasterKeyId: "alias/aws/sns" },
                messages: [
                    "kmsMasterKeyId is the AWS managed key alias/aws/sns, which EventBridge and other AWS services cannot use to publish and whose key policy cannot be changed; use a customer-managed KMS key.",
                ],
            },
        ],
        otherType: { type: T.queue, props: { kmsMasterKeyId: KEY }, reason: only(T.topic) },
        unknown: { patch: { kmsMasterKeyId: UNKNOWN }, path: "kmsMasterKeyId" },
    },
    {
        policy: "eventbridge-bus-cmk",
        type: T.bus,
        base: { name: "orders", kmsKeyIdentifier: KEY },
        compliant: [{ when: "an archive with its own key", type: T.archive, props: { eventSourceArn: BUS_ARN, retentionDays: 30, kmsKeyIdentifier: KEY } }],
        violations: [
            {
                when: "kmsKeyIdentifier is missing",
                patch: { kmsKeyIdentifier: undefined },
                messages: ["kmsKeyIdentifier is not set: events on the bus are encrypted with an AWS owned key; set kmsKeyIdentifier to a customer-managed KMS key ARN."],
            },
            {
                when: "an archive without a key (it does not inherit the bus's)",
                type: T.archive,
                props: { eventSourceArn: BUS_ARN, retentionDays: 30 },
                messages: [
                    "kmsKeyIdentifier is not set: archived events (kept for replay) are encrypted with an AWS owned key, whatever key the bus uses; set kmsKeyIdentifier to a customer-managed KMS key ARN.",
                ],
            },
        ],
        otherType: { type: T.topic, props: {}, reason: only(T.bus, T.archive) },
        unknown: { patch: { kmsKeyIdentifier: UNKNOWN }, path: "kmsKeyIdentifier" },
    },
    {
        policy: "cloudwatch-log-group-cmk",
        type: T.logGroup,
        base: { name: "/platform/api", kmsKeyId: KEY, retentionInDays: 365 },
        violations: [
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: [
                    "kmsKeyId is not set: log events are encrypted with a service-owned key; set kmsKeyId to a customer-managed KMS key ARN whose key policy allows logs.<region>.amazonaws.com.",
                ],
            },
        ],
        otherType: { type: T.bus, props: {}, reason: only(T.logGroup) },
        unknown: { patch: { kmsKeyId: UNKNOWN }, path: "kmsKeyId" },
    },
    {
        policy: "secretsmanager-secret-cmk",
        type: T.secret,
        base: { name: "db-credentials", kmsKeyId: KEY },
        violations: [
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: ["kmsKeyId is not set: the secret is encrypted with the AWS managed key aws/secretsmanager; set kmsKeyId to a customer-managed KMS key."],
            },
            {
                when: "kmsKeyId is alias/aws/secretsmanager",
                patch: { kmsKeyId: "alias/aws/secretsmanager" },
                messages: ["kmsKeyId is the AWS managed key alias/aws/secretsmanager, whose key policy cannot restrict who decrypts the secret; use a customer-managed KMS key."],
            },
        ],
        otherType: { type: T.kmsKey, props: {}, reason: only(T.secret) },
        unknown: { patch: { kmsKeyId: UNKNOWN }, path: "kmsKeyId" },
    },
    {
        policy: "ebs-encrypted-cmk",
        type: T.volume,
        base: { availabilityZone: "eu-west-1a", size: 20, encrypted: true, kmsKeyId: KEY },
        compliant: [
            {
                when: "an EC2 instance with encrypted root and data volumes",
                type: T.ec2Instance,
                props: {
                    ami: "ami-1",
                    instanceType: "t4g.micro",
                    rootBlockDevice: { encrypted: true, kmsKeyId: KEY },
                    ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: KEY }],
                },
            },
            {
                when: "a launch template with an encrypted EBS mapping and an instance-store mapping",
                type: T.launchTemplate,
                props: {
                    blockDeviceMappings: [
                        { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY } },
                        { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
                    ],
                },
            },
        ],
        violations: [
            { when: "the volume is unencrypted", patch: { encrypted: false, kmsKeyId: undefined }, messages: [`volume.encrypted is not true: ${EBS_FIX}`] },
            { when: "the volume has no kmsKeyId", patch: { kmsKeyId: undefined }, messages: [`volume.kmsKeyId is not set: ${EBS_FIX}`] },
            {
                when: "an EC2 instance has no rootBlockDevice and an unencrypted data volume",
                type: T.ec2Instance,
                props: { ami: "ami-1", instanceType: "t4g.micro", ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] },
                messages: [
                    `rootBlockDevice is not set (the root volume follows the AMI, unencrypted by default): ${EBS_FIX}`,
                    `ebsBlockDevices[0].encrypted is not true: ${EBS_FIX}`,
                ],
            },
            {
                when: "a launch template EBS mapping is unencrypted",
                type: T.launchTemplate,
                props: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] },
                messages: ['blockDeviceMappings[0].ebs.encrypted is not true: set encrypted: "true" and kmsKeyId to a customer-managed KMS key ARN.'],
            },
        ],
        otherType: { type: T.efs, props: { encrypted: true }, reason: only(T.volume, T.ec2Instance, T.launchTemplate) },
        unknown: { patch: { encrypted: UNKNOWN }, path: "encrypted" },
    },
    {
        policy: "efs-encrypted-cmk",
        type: T.efs,
        base: { encrypted: true, kmsKeyId: KEY },
        violations: [
            {
                when: "encrypted is missing",
                patch: { encrypted: undefined },
                messages: ["encrypted is not true: file data and metadata are unencrypted at rest, and this can only be chosen at creation; set encrypted: true and kmsKeyId."],
            },
            {
                when: "kmsKeyId is missing",
                patch: { kmsKeyId: undefined },
                messages: ["kmsKeyId is not set: the file system would use the AWS managed key aws/elasticfilesystem; set kmsKeyId to a customer-managed KMS key ARN."],
            },
        ],
        otherType: { type: T.volume, props: {}, reason: only(T.efs) },
        unknown: { patch: { kmsKeyId: UNKNOWN }, path: "kmsKeyId" },
    },
    {
        policy: "kms-key-rotation",
        type: T.kmsKey,
        base: { description: "platform data", enableKeyRotation: true, deletionWindowInDays: 30 },
        violations: [
            {
                when: "enableKeyRotation is missing",
                patch: { enableKeyRotation: undefined },
                messages: ["enableKeyRotation is not true: the key material is never rotated; set enableKeyRotation: true."],
            },
            {
                when: "enableKeyRotation is false on an explicit SYMMETRIC_DEFAULT key",
                patch: { enableKeyRotation: false, customerMasterKeySpec: "SYMMETRIC_DEFAULT", keyUsage: "ENCRYPT_DECRYPT" },
                messages: ["enableKeyRotation is not true: the key material is never rotated; set enableKeyRotation: true."],
            },
        ],
        notApplicable: [
            {
                when: "an asymmetric signing key",
                patch: { enableKeyRotation: undefined, customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
                reason: "Automatic rotation is not supported for RSA_2048 keys with usage SIGN_VERIFY",
            },
        ],
        otherType: { type: T.secret, props: {}, reason: only(T.kmsKey) },
        unknown: { patch: { enableKeyRotation: UNKNOWN }, path: "enableKeyRotation" },
    },

    // --------------------------------------------------------------------------------------------
    // Encryption in transit
    // --------------------------------------------------------------------------------------------
    {
        policy: "lb-listener-https-only",
        type: T.lbListener,
        base: httpsListener,
        compliant: [
            { when: "an HTTP listener that only redirects to HTTPS", props: redirectListener },
            { when: "the aws:alb/listener alias token", type: T.albListener, props: httpsListener },
        ],
        violations: [
            {
                when: "an HTTP listener forwards",
                patch: { protocol: "HTTP", port: 80, sslPolicy: undefined },
                messages: [`protocol is HTTP and defaultActions[0] is "forward", not a redirect to HTTPS: ${LISTENER_FIX}`],
            },
            {
                when: "protocol is omitted (ALB default HTTP)",
                patch: { protocol: undefined },
                messages: [`protocol is HTTP and defaultActions[0] is "forward", not a redirect to HTTPS: ${LISTENER_FIX}`],
            },
            {
                when: "an HTTP redirect keeps the protocol",
                props: { ...redirectListener, defaultActions: [{ type: "redirect", redirect: { port: "8080", statusCode: "HTTP_302" } }] },
                messages: [`protocol is HTTP and defaultActions[0] redirects with redirect.protocol "#{protocol}", not "HTTPS": ${LISTENER_FIX}`],
            },
            {
                when: "an HTTP listener without default actions",
                props: { ...redirectListener, defaultActions: [] },
                messages: [
                    'protocol is HTTP and there is no default action redirecting to HTTPS: use protocol HTTPS, or make the only default action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.',
                ],
            },
            {
                when: "an aws:alb listener on HTTP forwards",
                type: T.albListener,
                props: { ...redirectListener, defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }] },
                messages: [`protocol is HTTP and defaultActions[0] is "fixed-response", not a redirect to HTTPS: ${LISTENER_FIX}`],
            },
        ],
        notApplicable: [
            { when: "a TCP listener", patch: { protocol: "TCP", sslPolicy: undefined }, reason: "Policy only applies to HTTP, HTTPS and TLS listeners (protocol is TCP)" },
        ],
        otherType: { type: T.lb, props: alb, reason: only(T.lbListener, T.albListener) },
        unknown: { patch: { protocol: UNKNOWN }, path: "protocol" },
    },
    {
        policy: "lb-listener-tls-policy",
        type: T.lbListener,
        base: httpsListener,
        compliant: [
            { when: "a newer TLS 1.3 post-quantum policy", patch: { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" } },
            { when: "the aws:alb/listener alias token", type: T.albListener, props: httpsListener },
            { when: "an NLB TLS listener", patch: { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } },
        ],
        violations: [
            {
                when: "sslPolicy is missing",
                patch: { sslPolicy: undefined },
                messages: [
                    "sslPolicy is not set: the listener gets ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1; set sslPolicy to an allowed policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.",
                ],
            },
            {
                when: "sslPolicy is a TLS 1.0 policy",
                patch: { sslPolicy: "ELBSecurityPolicy-2016-08" },
                messages: [`sslPolicy "ELBSecurityPolicy-2016-08" is not allowed; set sslPolicy to one of: ${DEFAULT_ALLOWED_SSL_POLICIES.join(", ")}.`],
            },
            {
                when: "the config allows only TLS 1.3-only policies",
                config: { "lb-listener-tls-policy": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] } },
                patch: {},
                messages: ['sslPolicy "ELBSecurityPolicy-TLS13-1-2-2021-06" is not allowed; set sslPolicy to one of: ELBSecurityPolicy-TLS13-1-3-2021-06.'],
            },
        ],
        notApplicable: [{ when: "an HTTP listener", props: redirectListener, reason: "Policy only applies to HTTPS and TLS listeners (protocol is HTTP)" }],
        otherType: { type: T.lb, props: alb, reason: only(T.lbListener, T.albListener) },
        unknown: { patch: { sslPolicy: UNKNOWN }, path: "sslPolicy" },
    },
    {
        policy: "apigateway-domain-tls",
        type: T.domain,
        base: {
            domainName: "api.example.com",
            regionalCertificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/api",
            endpointConfiguration: { types: ["REGIONAL"] },
            securityPolicy: "TLS_1_2",
        },
        compliant: [
            { when: "an enhanced TLS 1.3 policy", patch: { securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", endpointAccessMode: "STRICT" } },
            {
                when: "an HTTP API (v2) domain with TLS_1_2",
                type: T.domainV2,
                props: {
                    domainName: "events.example.com",
                    domainNameConfiguration: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/ev", endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
                },
            },
        ],
        violations: [
            {
                when: "securityPolicy is missing",
                patch: { securityPolicy: undefined },
                messages: [`securityPolicy is not set: the minimum TLS version is left to the service default; set it to one of: ${API_TLS_ALLOWED}.`],
            },
            {
                when: "securityPolicy is TLS_1_0",
                patch: { securityPolicy: "TLS_1_0" },
                messages: [`securityPolicy "TLS_1_0" is not allowed: clients could negotiate TLS 1.0; set it to one of: ${API_TLS_ALLOWED}.`],
            },
            {
                when: "a v2 domain with TLS_1_0",
                type: T.domainV2,
                props: {
                    domainName: "events.example.com",
                    domainNameConfiguration: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/ev", endpointType: "REGIONAL", securityPolicy: "TLS_1_0" },
                },
                messages: [`domainNameConfiguration.securityPolicy "TLS_1_0" is not allowed: clients could negotiate TLS 1.0; set it to one of: ${API_TLS_ALLOWED}.`],
            },
        ],
        otherType: { type: T.restApi, props: { name: "api" }, reason: only(T.domain, T.domainV2) },
        unknown: { patch: { securityPolicy: UNKNOWN }, path: "securityPolicy" },
    },
    {
        policy: "cloudfront-viewer-https",
        type: T.distribution,
        base: distribution,
        violations: [
            {
                when: "the default behavior allows HTTP",
                patch: { "defaultCacheBehavior.viewerProtocolPolicy": "allow-all" },
                messages: ['defaultCacheBehavior.viewerProtocolPolicy is "allow-all": viewers can use plain HTTP; set it to "redirect-to-https" or "https-only".'],
            },
            {
                when: "an ordered behavior allows HTTP",
                patch: { "orderedCacheBehaviors.0.viewerProtocolPolicy": "allow-all" },
                messages: [
                    'orderedCacheBehaviors[0] (pathPattern "/api/*").viewerProtocolPolicy is "allow-all": viewers can use plain HTTP; set it to "redirect-to-https" or "https-only".',
                ],
            },
        ],
        otherType: { type: T.bucket, props: { bucket: "site" }, reason: only(T.distribution) },
        unknown: { patch: { "defaultCacheBehavior.viewerProtocolPolicy": UNKNOWN }, path: "defaultCacheBehavior.viewerProtocolPolicy" },
    },
    {
        policy: "cloudfront-minimum-tls",
        type: T.distribution,
        base: distribution,
        compliant: [{ when: "TLSv1.2_2025", patch: { "viewerCertificate.minimumProtocolVersion": "TLSv1.2_2025" } }],
        violations: [
            {
                when: "the default certificate is used",
                patch: { viewerCertificate: { cloudfrontDefaultCertificate: true } },
                messages: [
                    "viewerCertificate uses the default *.cloudfront.net certificate, which always accepts TLSv1: use an ACM certificate (in us-east-1) with minimumProtocolVersion TLSv1.2_2021 or newer.",
                ],
            },
            {
                when: "minimumProtocolVersion is missing",
                patch: { "viewerCertificate.minimumProtocolVersion": undefined },
                messages: [`viewerCertificate.minimumProtocolVersion is not set (CloudFront then accepts TLSv1); set it to one of: ${CF_TLS_ALLOWED}.`],
            },
            {
                when: "minimumProtocolVersion is TLSv1.2_2019",
                patch: { "viewerCertificate.minimumProtocolVersion": "TLSv1.2_2019" },
                messages: [`viewerCertificate.minimumProtocolVersion "TLSv1.2_2019" is not allowed; set it to one of: ${CF_TLS_ALLOWED}.`],
            },
        ],
        otherType: { type: T.bucket, props: { bucket: "site" }, reason: only(T.distribution) },
        unknown: { patch: { "viewerCertificate.minimumProtocolVersion": UNKNOWN }, path: "viewerCertificate.minimumProtocolVersion" },
    },
    {
        policy: "elasticache-transit-encryption",
        type: T.replicationGroup,
        base: replicationGroup,
        compliant: [{ when: "a standalone cluster with TLS", type: T.cacheCluster, props: { engine: "redis", transitEncryptionEnabled: true } }],
        violations: [
            {
                when: "transitEncryptionEnabled is false",
                patch: { transitEncryptionEnabled: false },
                messages: ["transitEncryptionEnabled is not true: clients connect in plaintext (and AUTH tokens need TLS); set transitEncryptionEnabled: true."],
            },
            {
                when: "transitEncryptionMode is preferred",
                patch: { transitEncryptionMode: "preferred" },
                messages: ['transitEncryptionMode is "preferred": plaintext connections are still accepted; set transitEncryptionMode to "required" once clients use TLS.'],
            },
            {
                when: "a standalone cluster without TLS",
                type: T.cacheCluster,
                props: { engine: "memcached" },
                messages: ["transitEncryptionEnabled is not true: clients connect in plaintext; set transitEncryptionEnabled: true."],
            },
        ],
        notApplicable: [
            {
                when: "a member cluster of a replication group",
                type: T.cacheCluster,
                props: { replicationGroupId: "cache" },
                reason: "Member clusters inherit transit encryption from their replication group",
            },
        ],
        otherType: { type: T.serverlessCache, props: { engine: "valkey" }, reason: only(T.replicationGroup, T.cacheCluster) },
        unknown: { patch: { transitEncryptionEnabled: UNKNOWN }, path: "transitEncryptionEnabled" },
    },

    // --------------------------------------------------------------------------------------------
    // High availability
    // --------------------------------------------------------------------------------------------
    {
        policy: "rds-instance-multi-az",
        type: T.instance,
        base: dbInstance,
        violations: [
            {
                when: "multiAz is false",
                patch: { multiAz: false },
                messages: ["multiAz is not true: the database has no standby and an AZ or instance failure takes it down; set multiAz: true."],
            },
        ],
        notApplicable: [
            { when: "a read replica", patch: { multiAz: undefined, replicateSourceDb: "orders-db" }, reason: "Read replicas follow their source instance's availability settings" },
        ],
        otherType: { type: T.cluster, props: auroraCluster, reason: only(T.instance) },
        unknown: { patch: { multiAz: UNKNOWN }, path: "multiAz" },
    },
    {
        policy: "elasticache-multi-az-failover",
        type: T.replicationGroup,
        base: replicationGroup,
        compliant: [{ when: "a sharded group with one replica per shard", patch: { numCacheClusters: undefined, numNodeGroups: 2, replicasPerNodeGroup: 1 } }],
        violations: [
            {
                when: "automaticFailoverEnabled is false",
                patch: { automaticFailoverEnabled: false },
                messages: ["automaticFailoverEnabled is not true: a primary failure is not failed over to a replica; set automaticFailoverEnabled: true."],
            },
            {
                when: "multiAzEnabled is missing",
                patch: { multiAzEnabled: undefined },
                messages: ["multiAzEnabled is not true: replicas may share the primary's AZ; set multiAzEnabled: true (it needs automatic failover)."],
            },
            {
                when: "a single node",
                patch: { numCacheClusters: 1 },
                messages: ["the group has 1 node(s) per shard: at least 2 (a primary and a replica) are required; set numCacheClusters >= 2 or replicasPerNodeGroup >= 1."],
            },
            {
                when: "no size given (one node)",
                patch: { numCacheClusters: undefined },
                messages: ["the group has 1 node(s) per shard: at least 2 (a primary and a replica) are required; set numCacheClusters >= 2 or replicasPerNodeGroup >= 1."],
            },
            {
                when: "the config requires 3 nodes",
                config: { "elasticache-multi-az-failover": { minNodes: 3 } },
                patch: {},
                messages: ["the group has 2 node(s) per shard: at least 3 (a primary and a replica) are required; set numCacheClusters >= 3 or replicasPerNodeGroup >= 2."],
            },
        ],
        otherType: { type: T.cacheCluster, props: { engine: "redis" }, reason: only(T.replicationGroup) },
        unknown: { patch: { numCacheClusters: UNKNOWN }, path: "numCacheClusters" },
    },
    {
        policy: "lb-multi-subnet",
        type: T.lb,
        base: alb,
        compliant: [
            { when: "subnet mappings", patch: { subnets: undefined, subnetMappings: [{ subnetId: "subnet-a" }, { subnetId: "subnet-b" }] } },
            { when: "the aws:alb alias token", type: T.alb, props: alb },
        ],
        violations: [
            {
                when: "one subnet",
                patch: { subnets: ["subnet-a"] },
                messages: ["the load balancer is in 1 subnet(s): at least 2 subnets in different AZs are required; list one subnet per AZ in subnets."],
            },
            {
                when: "an aws:alb load balancer without subnets",
                type: T.alb,
                props: { ...alb, subnets: undefined },
                messages: ["the load balancer is in 0 subnet(s): at least 2 subnets in different AZs are required; list one subnet per AZ in subnets."],
            },
        ],
        otherType: { type: T.lbListener, props: httpsListener, reason: only(T.lb, T.alb) },
        unknown: { patch: { subnets: UNKNOWN }, path: "subnets" },
    },
    {
        policy: "ecs-service-multi-subnet",
        type: T.ecsService,
        base: ecsService,
        violations: [
            {
                when: "one subnet",
                patch: { "networkConfiguration.subnets": ["subnet-a"] },
                messages: ["networkConfiguration.subnets has 1 subnet(s): at least 2 subnets in different AZs are required so tasks survive an AZ failure."],
            },
        ],
        notApplicable: [
            {
                when: "no awsvpc network configuration",
                patch: { networkConfiguration: undefined, launchType: "EC2" },
                reason: "Only services with an awsvpc networkConfiguration choose their subnets",
            },
        ],
        otherType: {
            type: T.scalingTarget,
            props: { serviceNamespace: "ecs", minCapacity: 2, maxCapacity: 4, resourceId: "service/platform/a", scalableDimension: "ecs:service:DesiredCount" },
            reason: only(T.ecsService),
        },
        unknown: { patch: { "networkConfiguration.subnets": UNKNOWN }, path: "networkConfiguration.subnets" },
    },
    {
        policy: "ecs-service-min-tasks",
        type: T.ecsService,
        base: ecsService,
        violations: [
            {
                when: "desiredCount is 1",
                patch: { desiredCount: 1 },
                messages: ["desiredCount is 1: at least 2 tasks are required so a task or AZ failure does not stop the service."],
            },
            {
                when: "desiredCount is missing",
                patch: { desiredCount: undefined },
                messages: ["desiredCount is not set (the service starts with 0 tasks): set desiredCount >= 2."],
            },
            {
                when: "the config requires 3 tasks",
                config: { "ecs-service-min-tasks": { minTasks: 3 } },
                patch: {},
                messages: ["desiredCount is 2: at least 3 tasks are required so a task or AZ failure does not stop the service."],
            },
        ],
        notApplicable: [
            { when: "a DAEMON service", patch: { schedulingStrategy: "DAEMON", desiredCount: undefined }, reason: "DAEMON services run one task per container instance" },
        ],
        otherType: {
            type: T.scalingTarget,
            props: { serviceNamespace: "ecs", minCapacity: 2, maxCapacity: 4, resourceId: "service/platform/a", scalableDimension: "ecs:service:DesiredCount" },
            reason: only(T.ecsService),
        },
        unknown: { patch: { desiredCount: UNKNOWN }, path: "desiredCount" },
    },
    {
        policy: "ecs-autoscaling-min-capacity",
        type: T.scalingTarget,
        base: { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/platform/svc-a", minCapacity: 2, maxCapacity: 10 },
        violations: [{ when: "minCapacity is 1", patch: { minCapacity: 1 }, messages: ["minCapacity is 1: scaling in can leave fewer than 2 tasks; set minCapacity >= 2."] }],
        notApplicable: [
            {
                when: "a DynamoDB scaling target",
                patch: { serviceNamespace: "dynamodb", scalableDimension: "dynamodb:table:ReadCapacityUnits", resourceId: "table/orders", minCapacity: 1 },
                reason: "Policy only applies to ECS scaling targets (serviceNamespace is dynamodb)",
            },
        ],
        otherType: { type: T.ecsService, props: ecsService, reason: only(T.scalingTarget) },
        unknown: { patch: { minCapacity: UNKNOWN }, path: "minCapacity" },
    },
    {
        policy: "asg-multi-subnet",
        type: T.asg,
        base: { minSize: 2, maxSize: 4, vpcZoneIdentifiers: ["subnet-a", "subnet-b"] },
        compliant: [{ when: "availability zones", patch: { vpcZoneIdentifiers: undefined, availabilityZones: ["eu-west-1a", "eu-west-1b"] } }],
        violations: [
            {
                when: "one subnet",
                patch: { vpcZoneIdentifiers: ["subnet-a"] },
                messages: ["the group spans 1 subnet(s)/AZ(s): at least 2 are required; list one subnet per AZ in vpcZoneIdentifiers."],
            },
        ],
        otherType: { type: T.ecsService, props: ecsService, reason: only(T.asg) },
        unknown: { patch: { vpcZoneIdentifiers: UNKNOWN }, path: "vpcZoneIdentifiers" },
    },

    // --------------------------------------------------------------------------------------------
    // Baseline
    // --------------------------------------------------------------------------------------------
    {
        policy: "s3-bucket-no-public-acl",
        type: T.bucket,
        base: { bucket: "site" },
        compliant: [
            { when: "a private BucketAcl", type: T.bucketAcl, props: { bucket: "site", acl: "private" } },
            { when: "a BucketV2 with a private ACL", type: T.bucketV2, props: { bucket: "site", acl: "private" } },
        ],
        violations: [
            {
                when: "acl public-read",
                patch: { acl: "public-read" },
                messages: ['acl is "public-read": objects are readable (or writable) outside the account; remove the ACL and keep ownership controls at BucketOwnerEnforced.'],
            },
            {
                when: "a grant to AllUsers",
                patch: { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }] },
                messages: ["grants[0] grants READ to http://acs.amazonaws.com/groups/global/AllUsers: the bucket is public; remove the grant."],
            },
            {
                when: "a BucketV2 with public-read-write",
                type: T.bucketV2,
                props: { bucket: "site", acl: "public-read-write" },
                messages: [
                    'acl is "public-read-write": objects are readable (or writable) outside the account; remove the ACL and keep ownership controls at BucketOwnerEnforced.',
                ],
            },
            {
                when: "a BucketAcl with authenticated-read",
                type: T.bucketAcl,
                props: { bucket: "site", acl: "authenticated-read" },
                messages: [
                    'acl is "authenticated-read": objects are readable (or writable) outside the account; remove the ACL and keep ownership controls at BucketOwnerEnforced.',
                ],
            },
            {
                when: "a BucketAclV2 grant to AuthenticatedUsers",
                type: T.bucketAclV2,
                props: {
                    bucket: "site",
                    accessControlPolicy: {
                        owner: { id: "owner" },
                        grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }, permission: "READ" }],
                    },
                },
                messages: ["accessControlPolicy.grants[0] grants READ to http://acs.amazonaws.com/groups/global/AuthenticatedUsers: the bucket is public; remove the grant."],
            },
        ],
        otherType: { type: T.bucketPolicy, props: { bucket: "site", policy: "{}" }, reason: only(T.bucket, T.bucketV2, T.bucketAcl, T.bucketAclV2) },
        unknown: { patch: { acl: UNKNOWN }, path: "acl" },
    },
    {
        policy: "iam-no-wildcard-actions",
        type: T.iamPolicy,
        base: { policy: doc(readQueue) },
        compliant: [
            {
                when: 'a Deny statement with "*"',
                patch: { policy: doc(readQueue, { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
            },
            { when: "a partial wildcard (s3:Get*)", patch: { policy: doc({ Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::site/*" }) } },
            {
                when: "a RolePolicyAttachment of a narrow AWS managed policy",
                type: T.rolePolicyAttachment,
                props: { role: "app", policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
            },
            {
                when: "a customer-managed policy named like an AWS one",
                type: T.rolePolicyAttachment,
                props: { role: "app", policyArn: "arn:aws:iam::111122223333:policy/AdministratorAccess" },
            },
            {
                when: "a role whose trust policy uses a wildcard principal (assume-role documents are exempt)",
                type: T.role,
                props: {
                    assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:*" }),
                    inlinePolicies: [{ name: "app", policy: doc(readQueue) }],
                },
            },
        ],
        violations: [
            { when: 'Action "*"', patch: { policy: doc({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }) }, messages: [`statement "All" allows "*": ${WILDCARD_FIX}`] },
            {
                when: "a service wildcard in an Action array",
                patch: { policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: "*" }) },
                messages: [`statement 1 allows "s3:*": ${WILDCARD_FIX}`],
            },
            {
                when: "NotAction with Allow",
                patch: { policy: doc(readQueue, { Effect: "Allow", NotAction: "iam:*", Resource: "*" }) },
                messages: [`statement 2 ${NOT_ACTION_FIX}`],
            },
            {
                when: "an object document (not a JSON string)",
                patch: { policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } } },
                messages: [`statement 1 allows "*": ${WILDCARD_FIX}`],
            },
            {
                when: "an invalid JSON document",
                patch: { policy: "{" },
                messages: [`policy document is not valid JSON (${jsonError("{")}): it cannot be checked for wildcard actions; pass a valid IAM policy JSON document.`],
            },
            {
                when: "a RolePolicy",
                type: T.rolePolicy,
                props: { role: "app", policy: doc({ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }) },
                messages: [`statement 1 allows "dynamodb:*": ${WILDCARD_FIX}`],
            },
            {
                when: "a UserPolicy",
                type: T.userPolicy,
                props: { user: "ci", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) },
                messages: [`statement 1 allows "*": ${WILDCARD_FIX}`],
            },
            {
                when: "a GroupPolicy",
                type: T.groupPolicy,
                props: { group: "ops", policy: doc({ Effect: "Allow", Action: ["ec2:*"], Resource: "*" }) },
                messages: [`statement 1 allows "ec2:*": ${WILDCARD_FIX}`],
            },
            {
                when: "a Role inline policy",
                type: T.role,
                props: {
                    assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }),
                    inlinePolicies: [{ name: "app", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }],
                },
                messages: [`inlinePolicies[0] ("app"): statement 1 allows "*": ${WILDCARD_FIX}`],
            },
            {
                when: "a RolePolicyAttachment of AdministratorAccess",
                type: T.rolePolicyAttachment,
                props: { role: "app", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                messages: [`policyArn attaches the AWS managed policy AdministratorAccess, which allows "*" on every resource: ${MANAGED_FIX}`],
            },
            {
                when: "a UserPolicyAttachment of PowerUserAccess",
                type: T.userPolicyAttachment,
                props: { user: "ci", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
                messages: [
                    `policyArn attaches the AWS managed policy PowerUserAccess, which allows every action outside IAM, Organizations and Account (NotAction): ${MANAGED_FIX}`,
                ],
            },
            {
                when: "a GroupPolicyAttachment of IAMFullAccess (another partition)",
                type: T.groupPolicyAttachment,
                props: { group: "ops", policyArn: "arn:aws-us-gov:iam::aws:policy/IAMFullAccess" },
                messages: [`policyArn attaches the AWS managed policy IAMFullAccess, which allows "iam:*", so its holder can grant itself anything: ${MANAGED_FIX}`],
            },
            {
                when: "a PolicyAttachment of AdministratorAccess",
                type: T.policyAttachment,
                props: { name: "admins", roles: ["app"], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                messages: [`policyArn attaches the AWS managed policy AdministratorAccess, which allows "*" on every resource: ${MANAGED_FIX}`],
            },
            {
                when: "a Role's managedPolicyArns",
                type: T.role,
                props: {
                    assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }),
                    managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
                },
                messages: [`managedPolicyArns[1] attaches the AWS managed policy AdministratorAccess, which allows "*" on every resource: ${MANAGED_FIX}`],
            },
        ],
        otherType: {
            type: T.instanceProfile,
            props: { role: "app" },
            reason: only(
                T.iamPolicy,
                T.rolePolicy,
                T.userPolicy,
                T.groupPolicy,
                T.role,
                T.rolePolicyAttachment,
                T.userPolicyAttachment,
                T.groupPolicyAttachment,
                T.policyAttachment,
            ),
        },
        unknown: { patch: { policy: UNKNOWN }, path: "policy" },
    },
    {
        policy: "lb-drop-invalid-headers",
        type: T.lb,
        base: alb,
        compliant: [{ when: "the aws:alb alias token", type: T.alb, props: alb }],
        violations: [
            {
                when: "dropInvalidHeaderFields is missing",
                patch: { dropInvalidHeaderFields: undefined },
                messages: ["dropInvalidHeaderFields is not true: requests with invalid header fields are passed to targets; set dropInvalidHeaderFields: true."],
            },
            {
                when: "loadBalancerType omitted (application) and the flag false",
                patch: { loadBalancerType: undefined, dropInvalidHeaderFields: false },
                messages: ["dropInvalidHeaderFields is not true: requests with invalid header fields are passed to targets; set dropInvalidHeaderFields: true."],
            },
        ],
        notApplicable: [
            {
                when: "a network load balancer",
                patch: { loadBalancerType: "network", dropInvalidHeaderFields: undefined },
                reason: "Policy only applies to application load balancers (loadBalancerType is network)",
            },
        ],
        otherType: { type: T.lbListener, props: httpsListener, reason: only(T.lb, T.alb) },
        unknown: { patch: { dropInvalidHeaderFields: UNKNOWN }, path: "dropInvalidHeaderFields" },
    },

    // --------------------------------------------------------------------------------------------
    // Data protection
    // --------------------------------------------------------------------------------------------
    {
        policy: "rds-deletion-protection",
        type: T.cluster,
        base: auroraCluster,
        compliant: [{ when: "a DB instance", type: T.instance, props: dbInstance }],
        violations: [
            {
                when: "a cluster without deletion protection",
                patch: { deletionProtection: false },
                messages: ["deletionProtection is not true: one API call or a replacing update deletes the database; set deletionProtection: true."],
            },
            {
                when: "an instance without deletion protection",
                type: T.instance,
                props: { ...dbInstance, deletionProtection: undefined },
                messages: ["deletionProtection is not true: one API call or a replacing update deletes the database; set deletionProtection: true."],
            },
        ],
        otherType: { type: T.table, props: {}, reason: only(T.cluster, T.instance) },
        unknown: { patch: { deletionProtection: UNKNOWN }, path: "deletionProtection" },
    },
    {
        policy: "rds-backup-retention",
        type: T.cluster,
        base: auroraCluster,
        compliant: [{ when: "dev's config allows 1 day", config: { "rds-backup-retention": { minBackupRetentionDays: 1 } }, patch: { backupRetentionPeriod: 1 } }],
        violations: [
            {
                when: "3 days",
                patch: { backupRetentionPeriod: 3 },
                messages: ["backupRetentionPeriod is 3: at least 7 days of automated backups are required; set backupRetentionPeriod >= 7."],
            },
            {
                when: "not set",
                patch: { backupRetentionPeriod: undefined },
                messages: ["backupRetentionPeriod is not set (RDS keeps 1 day of automated backups): set backupRetentionPeriod >= 7."],
            },
            {
                when: "the config requires 14 days",
                config: { "rds-backup-retention": { minBackupRetentionDays: 14 } },
                patch: {},
                messages: ["backupRetentionPeriod is 7: at least 14 days of automated backups are required; set backupRetentionPeriod >= 14."],
            },
            {
                when: "an instance with 1 day",
                type: T.instance,
                props: { ...dbInstance, backupRetentionPeriod: 1 },
                messages: ["backupRetentionPeriod is 1: at least 7 days of automated backups are required; set backupRetentionPeriod >= 7."],
            },
        ],
        otherType: { type: T.table, props: {}, reason: only(T.cluster, T.instance) },
        unknown: { patch: { backupRetentionPeriod: UNKNOWN }, path: "backupRetentionPeriod" },
    },
    {
        policy: "dynamodb-point-in-time-recovery",
        type: T.table,
        base: { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], pointInTimeRecovery: { enabled: true } },
        violations: [
            {
                when: "PITR missing",
                patch: { pointInTimeRecovery: undefined },
                messages: [
                    "pointInTimeRecovery.enabled is not true: the table cannot be restored to a point in time (it is off unless enabled); set pointInTimeRecovery: { enabled: true }.",
                ],
            },
            {
                when: "PITR disabled",
                patch: { "pointInTimeRecovery.enabled": false },
                messages: [
                    "pointInTimeRecovery.enabled is not true: the table cannot be restored to a point in time (it is off unless enabled); set pointInTimeRecovery: { enabled: true }.",
                ],
            },
        ],
        otherType: { type: T.cluster, props: auroraCluster, reason: only(T.table) },
        unknown: { patch: { "pointInTimeRecovery.enabled": UNKNOWN }, path: "pointInTimeRecovery.enabled" },
    },
    {
        policy: "dynamodb-deletion-protection",
        type: T.table,
        base: { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], deletionProtectionEnabled: true },
        violations: [
            {
                when: "deletion protection missing",
                patch: { deletionProtectionEnabled: undefined },
                messages: ["deletionProtectionEnabled is not true: one API call or a replacing update deletes the table; set deletionProtectionEnabled: true."],
            },
        ],
        otherType: { type: T.cluster, props: auroraCluster, reason: only(T.table) },
        unknown: { patch: { deletionProtectionEnabled: UNKNOWN }, path: "deletionProtectionEnabled" },
    },
    {
        policy: "elasticache-snapshot-retention",
        type: T.replicationGroup,
        base: replicationGroup,
        compliant: [{ when: "a serverless cache with snapshots", type: T.serverlessCache, props: { engine: "valkey", snapshotRetentionLimit: 1 } }],
        violations: [
            {
                when: "snapshotRetentionLimit 0",
                patch: { snapshotRetentionLimit: 0 },
                messages: ["snapshotRetentionLimit is 0: keep at least 1 day(s) of automatic snapshots; set snapshotRetentionLimit >= 1."],
            },
            {
                when: "snapshotRetentionLimit missing",
                patch: { snapshotRetentionLimit: undefined },
                messages: ["snapshotRetentionLimit is not set (0, no automatic snapshots): keep at least 1 day(s) of automatic snapshots; set snapshotRetentionLimit >= 1."],
            },
            {
                when: "a serverless cache without snapshots",
                type: T.serverlessCache,
                props: { engine: "valkey" },
                messages: ["snapshotRetentionLimit is not set (0, no automatic snapshots): keep at least 1 day(s) of automatic snapshots; set snapshotRetentionLimit >= 1."],
            },
            {
                when: "the config requires 14 days",
                config: { "elasticache-snapshot-retention": { minSnapshotRetentionDays: 14 } },
                patch: {},
                messages: ["snapshotRetentionLimit is 7: keep at least 14 day(s) of automatic snapshots; set snapshotRetentionLimit >= 14."],
            },
        ],
        otherType: { type: T.cacheCluster, props: { engine: "redis" }, reason: only(T.replicationGroup, T.serverlessCache) },
        unknown: { patch: { snapshotRetentionLimit: UNKNOWN }, path: "snapshotRetentionLimit" },
    },
    {
        policy: "lb-deletion-protection",
        type: T.lb,
        base: alb,
        compliant: [{ when: "the aws:alb alias token", type: T.alb, props: alb }],
        violations: [
            {
                when: "deletion protection off",
                patch: { enableDeletionProtection: false },
                messages: [
                    "enableDeletionProtection is not true: one API call or a replacing update deletes the load balancer and its DNS name; set enableDeletionProtection: true.",
                ],
            },
        ],
        otherType: { type: T.lbListener, props: httpsListener, reason: only(T.lb, T.alb) },
        unknown: { patch: { enableDeletionProtection: UNKNOWN }, path: "enableDeletionProtection" },
    },

    // --------------------------------------------------------------------------------------------
    // Logging and WAF
    // --------------------------------------------------------------------------------------------
    {
        policy: "apigateway-stage-access-logging",
        type: T.stage,
        base: stage,
        compliant: [{ when: "an HTTP API stage with access logs", type: T.stageV2, props: { apiId: "http1", name: "$default", accessLogSettings: stage.accessLogSettings } }],
        violations: [
            {
                when: "no access log settings",
                patch: { accessLogSettings: undefined },
                messages: [
                    "accessLogSettings is not set: requests to the stage are not logged; set accessLogSettings: { destinationArn: <log group ARN>, format: <JSON format> }.",
                ],
            },
            {
                when: "no destination",
                patch: { "accessLogSettings.destinationArn": undefined },
                messages: ["accessLogSettings.destinationArn is not set: set it to a CloudWatch log group (or Firehose) ARN."],
            },
            {
                when: "no format",
                patch: { "accessLogSettings.format": undefined },
                messages: ["accessLogSettings.format is not set: set a JSON access-log format including $context.requestId."],
            },
            {
                when: "an HTTP API stage without access logs",
                type: T.stageV2,
                props: { apiId: "http1", name: "$default" },
                messages: [
                    "accessLogSettings is not set: requests to the stage are not logged; set accessLogSettings: { destinationArn: <log group ARN>, format: <JSON format> }.",
                ],
            },
        ],
        otherType: { type: T.deployment, props: { restApi: "api123" }, reason: only(T.stage, T.stageV2) },
        unknown: { patch: { "accessLogSettings.destinationArn": UNKNOWN }, path: "accessLogSettings.destinationArn" },
    },
    {
        policy: "lb-access-logging",
        type: T.lb,
        base: alb,
        compliant: [{ when: "the aws:alb alias token", type: T.alb, props: alb }],
        violations: [
            {
                when: "no access logs",
                patch: { accessLogs: undefined },
                messages: ["accessLogs.enabled is not true: requests are not logged; set accessLogs: { enabled: true, bucket: <SSE-S3 bucket with the ELB log-delivery policy> }."],
            },
            {
                when: "access logs disabled",
                patch: { "accessLogs.enabled": false },
                messages: ["accessLogs.enabled is not true: requests are not logged; set accessLogs: { enabled: true, bucket: <SSE-S3 bucket with the ELB log-delivery policy> }."],
            },
            {
                when: "no bucket",
                patch: { "accessLogs.bucket": undefined },
                messages: ["accessLogs.bucket is not set: set it to an SSE-S3 bucket whose policy allows the regional ELB log delivery."],
            },
        ],
        notApplicable: [{ when: "a gateway load balancer", patch: { loadBalancerType: "gateway", accessLogs: undefined }, reason: "Gateway load balancers have no access logs" }],
        otherType: { type: T.lbListener, props: httpsListener, reason: only(T.lb, T.alb) },
        unknown: { patch: { "accessLogs.enabled": UNKNOWN }, path: "accessLogs.enabled" },
    },
    {
        policy: "cloudwatch-log-group-retention",
        type: T.logGroup,
        base: { name: "/platform/api", kmsKeyId: KEY, retentionInDays: 365 },
        compliant: [{ when: "dev's config allows 7 days", config: { "cloudwatch-log-group-retention": { minRetentionDays: 7 } }, patch: { retentionInDays: 7 } }],
        violations: [
            {
                when: "no retention",
                patch: { retentionInDays: undefined },
                messages: ["retentionInDays is not set: logs never expire, so retention is nobody's decision; set retentionInDays >= 365."],
            },
            { when: "30 days", patch: { retentionInDays: 30 }, messages: ["retentionInDays is 30: at least 365 days are required; set retentionInDays >= 365."] },
        ],
        otherType: { type: T.bus, props: {}, reason: only(T.logGroup) },
        unknown: { patch: { retentionInDays: UNKNOWN }, path: "retentionInDays" },
    },
    {
        policy: "cloudfront-waf",
        type: T.distribution,
        base: distribution,
        violations: [
            {
                when: "no web ACL",
                patch: { webAclId: undefined },
                messages: ["webAclId is not set: the distribution has no WAF; set webAclId to the ARN of a CLOUDFRONT-scope WAFv2 web ACL (created in us-east-1)."],
            },
        ],
        otherType: { type: T.stage, props: stage, reason: only(T.distribution) },
        unknown: { patch: { webAclId: UNKNOWN }, path: "webAclId" },
    },
];
