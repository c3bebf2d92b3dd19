import { EvaluatedResource, PolicyConfigFile } from "../../../policies/evaluate";
import { res, UNKNOWN, urnOf } from "../helpers";
import { KEY } from "./resource-cases";

/*
 * Table of stack-policy cases: a compliant stack (and compliant variants), violating stacks with
 * the exact message and the URN it is reported on, a stack without the policy's subject resources
 * (not applicable, with the reason), and a stack where a correlating value is unknown in preview.
 *
 * Stack policies read outputs; the resources below give them directly in `props` (the evaluator
 * passes `outputs ?? props`), including ids and ARNs.
 */

export interface StackVariant {
    when: string;
    resources: EvaluatedResource[];
    config?: PolicyConfigFile;
}

export interface StackCase {
    policy: string;
    compliant: EvaluatedResource[];
    compliantVariants?: StackVariant[];
    violations: Array<StackVariant & { expect: Array<{ urn: string; message: string }> }>;
    notApplicable: { resources: EvaluatedResource[]; reason: string };
    /** More situations the policy declares itself not applicable to (after any violations). */
    moreNotApplicable?: Array<{ when: string; resources: EvaluatedResource[]; reason: string }>;
    /** null: the policy reads no property that can be unknown (explained in `why`). */
    unknown: { resources: EvaluatedResource[]; path: string } | { why: string; resources: EvaluatedResource[] };
}

const T = {
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    sseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    domain: "aws:apigateway/domainName:DomainName",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    restApi: "aws:apigateway/restApi:RestApi",
    stage: "aws:apigateway/stage:Stage",
    waf: "aws:wafv2/webAclAssociation:WebAclAssociation",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    clusterPg: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    instance: "aws:rds/instance:Instance",
    pg: "aws:rds/parameterGroup:ParameterGroup",
    table: "aws:dynamodb/table:Table",
    distribution: "aws:cloudfront/distribution:Distribution",
    source: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    delivery: "aws:cloudwatch/logDelivery:LogDelivery",
    awsxVpc: "awsx:ec2:Vpc",
    ec2Vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    alb: "aws:alb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    albListenerRule: "aws:alb/listenerRule:ListenerRule",
};

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const denyInsecure = (resource: string | string[], action: string | string[] = "*") => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const TLS_CONDITION = 'Condition: { Bool: { "aws:SecureTransport": "false" } } }';
const S3_DENY = `{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::site-7f3a", "arn:aws:s3:::site-7f3a/*"], ${TLS_CONDITION}`;

// S3 -----------------------------------------------------------------------------------------------
const bucket = res(T.bucket, "site", { bucket: "site-7f3a", id: "site-7f3a", arn: "arn:aws:s3:::site-7f3a" });
const sseKms = res(T.sse, "site-sse", {
    bucket: "site-7f3a",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
});
const logsBucketV2 = res(T.bucketV2, "alb-logs", { bucket: "alb-logs-1", id: "alb-logs-1" });
const sseV2Aes = res(T.sseV2, "alb-logs-sse", { bucket: "alb-logs-1", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
const pab = (bucketName: string, name = "site-pab", flags: Record<string, unknown> = {}) =>
    res(T.pab, name, {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
        ...flags,
    });
const bucketPolicy = (bucketName: string, policy: unknown) => res(T.bucketPolicy, "site-policy", { bucket: bucketName, policy });

// SQS / SNS -------------------------------------------------------------------------------------------
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/orders";
const queue = res(T.queue, "orders", { name: "orders", id: QUEUE_URL, url: QUEUE_URL, arn: "arn:aws:sqs:eu-west-1:111122223333:orders", kmsMasterKeyId: KEY });
const queuePolicy = (policy: unknown, url: unknown = QUEUE_URL) => res(T.queuePolicy, "orders-policy", { queueUrl: url, policy });
const TOPIC_ARN = "arn:aws:sns:eu-west-1:111122223333:events";
const topic = res(T.topic, "events", { name: "events", id: TOPIC_ARN, arn: TOPIC_ARN, kmsMasterKeyId: KEY });
const topicPolicy = (policy: unknown, arn: unknown = TOPIC_ARN) => res(T.topicPolicy, "events-policy", { arn, policy });
const SQS_DENY = `{ Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "arn:aws:sqs:eu-west-1:111122223333:orders", ${TLS_CONDITION}`;
const SNS_DENY = `{ Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "${TOPIC_ARN}", ${TLS_CONDITION}`;

// API Gateway -----------------------------------------------------------------------------------------
const mtlsDomain = res(T.domain, "api-domain", {
    domainName: "api.example.com",
    id: "api.example.com",
    securityPolicy: "TLS_1_2",
    regionalCertificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/api",
    mutualTlsAuthentication: { truststoreUri: "s3://truststore/bundle.pem", truststoreVersion: "v1" },
});
const plainDomain = res(T.domain, "www-domain", { domainName: "www.example.com", id: "www.example.com", securityPolicy: "TLS_1_2" });
const restApi = (disable: boolean | undefined, name = "api", id = "api123") => res(T.restApi, name, { name, id, disableExecuteApiEndpoint: disable });
const mapping = (domainName: string, restApiId: unknown, name = "api-mapping") => res(T.mapping, name, { domainName, restApi: restApiId, stageName: "prod" });
const STAGE_ARN = "arn:aws:apigateway:eu-west-1::/restapis/api123/stages/prod";
const apiStage = res(T.stage, "prod", { restApi: "api123", stageName: "prod", deployment: "dep1", arn: STAGE_ARN });
const wafAssociation = (resourceArn: unknown) => res(T.waf, "api-waf", { resourceArn, webAclArn: "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/abc" });

// RDS -------------------------------------------------------------------------------------------------
const auroraPg = (props: Record<string, unknown> = {}, name = "orders-db") =>
    res(T.cluster, name, {
        engine: "aurora-postgresql",
        clusterIdentifier: "orders-db",
        id: "orders-db",
        dbClusterParameterGroupName: "orders-pg",
        ...props,
    });
const clusterPg = (parameters: unknown[], name = "orders-pg") => res(T.clusterPg, name, { name, id: name, family: "aurora-postgresql16", parameters });
const forceSsl = [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }];
const clusterInstance = (name: string, clusterIdentifier: unknown = "orders-db") =>
    res(T.clusterInstance, name, { clusterIdentifier, instanceClass: "db.serverless", engine: "aurora-postgresql" });
const FORCE_SSL_FIX = "attach an aws.rds.ClusterParameterGroup with rds.force_ssl = 1";

// CloudFront ------------------------------------------------------------------------------------------
const DIST_ARN = "arn:aws:cloudfront::111122223333:distribution/E2EXAMPLE";
const dist = (props: Record<string, unknown> = {}) => res(T.distribution, "edge", { id: "E2EXAMPLE", arn: DIST_ARN, enabled: true, ...props });
const source = (resourceArn: unknown) => res(T.source, "edge-logs-src", { name: "edge-logs-src", logType: "ACCESS_LOGS", resourceArn });
const delivery = (deliverySourceName: string) =>
    res(T.delivery, "edge-logs", { deliverySourceName, deliveryDestinationArn: "arn:aws:logs:us-east-1:111122223333:delivery-destination:edge" });

// VPC: what awsx.ec2.Vpc registers under a real preview (awsx/ec2/vpc.ts): the component with
// props {} (inputs only under `args`, if at all), an aws.ec2.Vpc child, per AZ a public and a
// private subnet (parent: the aws.ec2.Vpc) and NAT gateways (parent: their public subnet).
const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const awsxVpc = (props: Record<string, unknown> = {}) => res(T.awsxVpc, "network", props);
const NETWORK = urnOf(T.awsxVpc, "network");
const ec2Vpc = (parent: string | undefined = NETWORK) => res(T.ec2Vpc, "network", { id: "vpc-0net", cidrBlock: "10.0.0.0/16" }, parent ? { parent } : undefined);
const SUBNET_PARENT = urnOf(T.ec2Vpc, "network");
const subnet = (tier: "public" | "private", az: number, props: Record<string, unknown> = {}, linked = true) =>
    res(
        T.subnet,
        `network-${tier}-${az + 1}`,
        {
            id: `subnet-${tier}${az}`,
            vpcId: "vpc-0net",
            availabilityZone: AZS[az],
            mapPublicIpOnLaunch: tier === "public",
            tags: { Name: `network-${tier}-${az + 1}`, SubnetType: tier === "public" ? "Public" : "Private" },
            ...props,
        },
        linked ? { parent: SUBNET_PARENT } : undefined,
    );
const natGateway = (az: number, props: Record<string, unknown> = {}, linked = true) =>
    res(
        T.nat,
        `network-${az + 1}`,
        { id: `nat-0${az}`, subnetId: `subnet-public${az}`, allocationId: `eipalloc-0${az}`, ...props },
        linked ? { parent: urnOf(T.subnet, `network-public-${az + 1}`) } : undefined,
    );
/** An awsx VPC's children over `azs` AZs with NAT gateways in the AZs `nats`. */
const vpcTree = (azs: number, nats: number[]) => [
    awsxVpc(),
    ec2Vpc(),
    ...Array.from({ length: azs }, (_, az) => [subnet("public", az), subnet("private", az)]).flat(),
    ...nats.map((az) => natGateway(az)),
];
/** A hand-written VPC (no awsx, no parent links): children correlate by vpcId / subnetId. */
const handWritten = (azs: number, nats: number[]) => [
    ec2Vpc(undefined),
    ...Array.from({ length: azs }, (_, az) => [subnet("public", az, {}, false), subnet("private", az, {}, false)]).flat(),
    ...nats.map((az) => natGateway(az, {}, false)),
];
const NO_VPC = "The stack has no VPC subnets or awsx VPCs";
const NAT_FIX = 'set natGateways: { strategy: "OnePerAz" }';
const SINGLE_NAT = 'natGateways.strategy is "Single": one NAT gateway is a single point of failure for every private subnet\'s egress; set natGateways: { strategy: "OnePerAz" }.';
const unverifiableVpc = (what: string) =>
    `awsx VPC "network" has no recorded children (aws.ec2.Subnet, aws.ec2.NatGateway) and no inputs in its props, so ${what} cannot be checked`;

// Security groups and load balancers ------------------------------------------------------------------
const LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/edge/50dc6c495c0c9188";
const loadBalancer = (name: string, props: Record<string, unknown> = {}, type: string = T.lb) =>
    res(type, name, {
        id: `arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/${name}/1`,
        arn: `arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/${name}/1`,
        loadBalancerType: "application",
        subnets: ["subnet-a", "subnet-b"],
        ...props,
    });
const edgeLb = loadBalancer("edge", { id: LB_ARN, arn: LB_ARN, internal: false, securityGroups: ["sg-edge"] });
const internalLb = loadBalancer("app", { internal: true, securityGroups: ["sg-app"] });
const https = (cidrs: Record<string, unknown> = { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }) => ({ protocol: "tcp", fromPort: 443, toPort: 443, ...cidrs });
const group = (name: string, id: string, ingress: unknown[]) =>
    res(T.sg, name, { id, vpcId: "vpc-1", description: name, ingress, egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] });
const edgeGroup = (ingress: unknown[] = [https()]) => group("edge-sg", "sg-edge", ingress);
const appGroup = (ingress: unknown[] = [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-edge"] }]) => group("app-sg", "sg-app", ingress);
const ingressRule = (name: string, props: Record<string, unknown>) =>
    res(T.sgIngress, name, { securityGroupId: "sg-edge", ipProtocol: "tcp", fromPort: 443, toPort: 443, ...props });
const groupRule = (name: string, props: Record<string, unknown>) =>
    res(T.sgRule, name, { type: "ingress", securityGroupId: "sg-edge", protocol: "tcp", fromPort: 443, toPort: 443, ...props });
const SG_FIX = "only tcp port(s) 443 may be open to the internet; restrict the source to a security group or a known CIDR.";
const NOT_EDGE =
    "but the security group is not attached to an internet-facing load balancer: only the security groups of internet-facing load balancers may accept the internet; restrict the source to a security group or a known CIDR.";
const wafFor = (resourceArn: unknown, name = "edge-waf") => res(T.waf, name, { resourceArn, webAclArn: "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/edge/abc" });

// Listener rules ---------------------------------------------------------------------------------------
const listenerArn = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/app/1/${name}`;
const listener = (name: string, protocol: string | undefined, type: string = T.listener) =>
    res(type, name, {
        id: listenerArn(name),
        arn: listenerArn(name),
        loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/app/1",
        port: protocol === "HTTPS" ? 443 : 80,
        protocol,
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
const httpsListener = listener("https", "HTTPS");
const httpListener = listener("http", "HTTP");
const FORWARD = { type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/orders/1" };
const REDIRECT = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };
const listenerRule = (name: string, listenerArnValue: unknown, actions: unknown[], type: string = T.listenerRule) =>
    res(type, name, { listenerArn: listenerArnValue, priority: 10, conditions: [{ pathPattern: { values: ["/orders/*"] } }], actions });
const RULE_FIX =
    'plaintext requests matching it are served; attach the rule to the HTTPS listener, or make its only action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.';

// Stateful --------------------------------------------------------------------------------------------
const protectedTable = res(T.table, "orders", { name: "orders" }, { protect: true });
const PROTECT_FIX = "is not protected: set the resource option protect: true (and retainOnDelete) so pulumi destroy or a replacement cannot delete its data.";

export const stackCases: StackCase[] = [
    {
        policy: "s3-bucket-default-encryption",
        compliant: [bucket, sseKms, logsBucketV2, sseV2Aes],
        compliantVariants: [
            {
                when: "the deprecated inline configuration of a v7 Bucket",
                resources: [
                    res(T.bucket, "legacy", {
                        bucket: "legacy-1",
                        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
                    }),
                ],
            },
            {
                when: "correlated by the engine's propertyDependencies (value not matching)",
                resources: [
                    bucket,
                    {
                        ...res(T.sse, "site-sse", { bucket: "computed-elsewhere", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
                        propertyDependencies: { bucket: [bucket.urn] },
                    },
                ],
            },
        ],
        violations: [
            {
                when: "a bucket without configuration",
                resources: [bucket],
                expect: [
                    {
                        urn: bucket.urn,
                        message:
                            "bucket has no default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration whose bucket is this bucket's id, with an allowed sseAlgorithm.",
                    },
                ],
            },
            {
                when: "a configuration for another bucket",
                resources: [bucket, res(T.sse, "other-sse", { bucket: "other", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] })],
                expect: [
                    {
                        urn: bucket.urn,
                        message:
                            "bucket has no default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration whose bucket is this bucket's id, with an allowed sseAlgorithm.",
                    },
                ],
            },
            {
                when: "SSE-S3 where the config allows only KMS",
                config: { "s3-bucket-default-encryption": { allowedAlgorithms: ["aws:kms"] } },
                resources: [logsBucketV2, sseV2Aes],
                expect: [
                    {
                        urn: sseV2Aes.urn,
                        message:
                            'default encryption uses "AES256", which is not allowed (allowed: aws:kms); set applyServerSideEncryptionByDefault.sseAlgorithm to an allowed algorithm.',
                    },
                ],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no S3 buckets" },
        unknown: { resources: [bucket, res(T.sse, "site-sse", { bucket: UNKNOWN, rules: sseKms.props["rules"] })], path: "bucket" },
    },
    {
        policy: "s3-bucket-public-access-block",
        compliant: [bucket, pab("site-7f3a"), logsBucketV2, pab("alb-logs-1", "alb-logs-pab")],
        violations: [
            {
                when: "a bucket without a public access block",
                resources: [bucket],
                expect: [
                    {
                        urn: bucket.urn,
                        message:
                            "bucket has no public access block: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
                    },
                ],
            },
            {
                when: "flags left off",
                resources: [bucket, pab("site-7f3a", "site-pab", { blockPublicPolicy: false, restrictPublicBuckets: undefined })],
                expect: [
                    {
                        urn: urnOf(T.pab, "site-pab"),
                        message:
                            "the public access block leaves blockPublicPolicy and restrictPublicBuckets not true: set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
                    },
                ],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no S3 buckets" },
        unknown: { resources: [bucket, pab(UNKNOWN)], path: "bucket" },
    },
    {
        policy: "s3-bucket-deny-insecure-transport",
        compliant: [
            bucket,
            bucketPolicy(
                "site-7f3a",
                doc(denyInsecure(["arn:aws:s3:::site-7f3a", "arn:aws:s3:::site-7f3a/*"], "s3:*"), {
                    Effect: "Allow",
                    Principal: { Service: "cloudfront.amazonaws.com" },
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::site-7f3a/*",
                }),
            ),
        ],
        compliantVariants: [
            {
                when: 'an inline bucket policy with BoolIfExists, Principal {AWS: "*"} and Resource "*"',
                resources: [
                    res(T.bucket, "legacy", {
                        bucket: "legacy-1",
                        policy: doc({ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*", Condition: { BoolIfExists: { "aws:securetransport": false } } }),
                    }),
                ],
            },
            { when: "a policy document given as an object", resources: [bucket, bucketPolicy("site-7f3a", { Version: "2012-10-17", Statement: denyInsecure("*") })] },
            {
                when: "the bucket and its objects denied in two statements, one through a wildcard (S3:* in any case)",
                resources: [bucket, bucketPolicy("site-7f3a", doc(denyInsecure("arn:aws:s3:::site-7f3a", "S3:*"), denyInsecure("arn:aws:s3:::site-*", "s3:*")))],
            },
        ],
        violations: [
            {
                when: "no bucket policy",
                resources: [bucket],
                expect: [{ urn: bucket.urn, message: `bucket has no resource policy denying requests without TLS: add an aws.s3.BucketPolicy with a statement ${S3_DENY}.` }],
            },
            {
                when: "a policy without the TLS deny",
                resources: [bucket, bucketPolicy("site-7f3a", doc({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "*" }))],
                expect: [{ urn: bucket.urn, message: `bucket's resource policy does not deny requests without TLS: add a statement ${S3_DENY}.` }],
            },
            {
                when: "a deny on SecureTransport true (wrong value)",
                resources: [bucket, bucketPolicy("site-7f3a", doc({ ...denyInsecure("*"), Condition: { Bool: { "aws:SecureTransport": "true" } } }))],
                expect: [{ urn: bucket.urn, message: `bucket's resource policy does not deny requests without TLS: add a statement ${S3_DENY}.` }],
            },
            {
                when: "a deny of s3:PutObject only (reads stay open over HTTP)",
                resources: [bucket, bucketPolicy("site-7f3a", doc(denyInsecure("*", "s3:PutObject")))],
                expect: [
                    {
                        urn: bucket.urn,
                        message: `bucket's resource policy denies requests without TLS only for "s3:PutObject", which leaves other actions open over plain HTTP: deny "*" or "s3:*" instead, e.g. ${S3_DENY}.`,
                    },
                ],
            },
            {
                when: "a deny on the objects only (bucket-level calls stay open)",
                resources: [bucket, bucketPolicy("site-7f3a", doc(denyInsecure("arn:aws:s3:::site-7f3a/*", "s3:*")))],
                expect: [
                    {
                        urn: bucket.urn,
                        message: `bucket's resource policy denies requests without TLS, but not on "arn:aws:s3:::site-7f3a": name it in the statement's Resource, e.g. ${S3_DENY}.`,
                    },
                ],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no S3 buckets" },
        unknown: { resources: [bucket, bucketPolicy("site-7f3a", UNKNOWN)], path: "policy" },
    },
    {
        policy: "sqs-queue-deny-insecure-transport",
        compliant: [queue, queuePolicy(doc(denyInsecure(queue.props["arn"] as string, "sqs:*")))],
        compliantVariants: [{ when: "an inline queue policy", resources: [res(T.queue, "dlq", { name: "dlq", id: "https://sqs/dlq", policy: doc(denyInsecure("*")) })] }],
        violations: [
            {
                when: "no queue policy",
                resources: [queue],
                expect: [{ urn: queue.urn, message: `queue has no resource policy denying requests without TLS: add an aws.sqs.QueuePolicy with a statement ${SQS_DENY}.` }],
            },
            {
                when: "a policy that only allows EventBridge",
                resources: [queue, queuePolicy(doc({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }))],
                expect: [{ urn: queue.urn, message: `queue's resource policy does not deny requests without TLS: add a statement ${SQS_DENY}.` }],
            },
            {
                when: "a deny of sqs:SendMessage only",
                resources: [queue, queuePolicy(doc(denyInsecure("*", ["sqs:SendMessage"])))],
                expect: [
                    {
                        urn: queue.urn,
                        message: `queue's resource policy denies requests without TLS only for "sqs:SendMessage", which leaves other actions open over plain HTTP: deny "*" or "sqs:*" instead, e.g. ${SQS_DENY}.`,
                    },
                ],
            },
        ],
        notApplicable: { resources: [topic], reason: "The stack has no SQS queues" },
        unknown: { resources: [queue, queuePolicy(doc(denyInsecure("*")), UNKNOWN)], path: "queueUrl" },
    },
    {
        policy: "sns-topic-deny-insecure-transport",
        compliant: [topic, topicPolicy(doc(denyInsecure(TOPIC_ARN)))],
        compliantVariants: [
            { when: "a deny of sns:Publish, the statement AWS's SNS best practices show", resources: [topic, topicPolicy(doc(denyInsecure(TOPIC_ARN, "SNS:Publish")))] },
        ],
        violations: [
            {
                when: "no topic policy",
                resources: [topic],
                expect: [{ urn: topic.urn, message: `topic has no resource policy denying requests without TLS: add an aws.sns.TopicPolicy with a statement ${SNS_DENY}.` }],
            },
            {
                when: "a deny for a specific principal only",
                resources: [topic, topicPolicy(doc({ ...denyInsecure("*"), Principal: { AWS: "arn:aws:iam::111122223333:root" } }))],
                expect: [{ urn: topic.urn, message: `topic's resource policy does not deny requests without TLS: add a statement ${SNS_DENY}.` }],
            },
            {
                when: "a deny of sns:Subscribe only (publishing stays open)",
                resources: [topic, topicPolicy(doc(denyInsecure(TOPIC_ARN, "sns:Subscribe")))],
                expect: [
                    {
                        urn: topic.urn,
                        message: `topic's resource policy denies requests without TLS only for "sns:Subscribe", which leaves other actions open over plain HTTP: deny "*", "sns:*" or "sns:Publish" instead, e.g. ${SNS_DENY}.`,
                    },
                ],
            },
            {
                when: "a deny on another topic",
                resources: [topic, topicPolicy(doc(denyInsecure("arn:aws:sns:eu-west-1:111122223333:other", "sns:*")))],
                expect: [
                    {
                        urn: topic.urn,
                        message: `topic's resource policy denies requests without TLS, but not on "${TOPIC_ARN}": name it in the statement's Resource, e.g. ${SNS_DENY}.`,
                    },
                ],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no SNS topics" },
        unknown: { resources: [topic, topicPolicy(doc(denyInsecure("*")), UNKNOWN)], path: "arn" },
    },
    {
        policy: "apigateway-mtls-execute-api-disabled",
        compliant: [
            mtlsDomain,
            restApi(true),
            mapping("api.example.com", "api123"),
            plainDomain,
            restApi(undefined, "www", "www456"),
            mapping("www.example.com", "www456", "www-mapping"),
        ],
        violations: [
            {
                when: "the API behind the mTLS domain keeps execute-api",
                resources: [mtlsDomain, restApi(undefined), mapping("api.example.com", "api123")],
                expect: [
                    {
                        urn: urnOf(T.restApi, "api"),
                        message:
                            'REST API is mapped to the mutual-TLS domain "api.example.com" but disableExecuteApiEndpoint is not true: clients can bypass mTLS through the default execute-api endpoint; set disableExecuteApiEndpoint: true.',
                    },
                ],
            },
            {
                when: "disableExecuteApiEndpoint false",
                resources: [mtlsDomain, restApi(false), mapping("api.example.com", "api123")],
                expect: [
                    {
                        urn: urnOf(T.restApi, "api"),
                        message:
                            'REST API is mapped to the mutual-TLS domain "api.example.com" but disableExecuteApiEndpoint is not true: clients can bypass mTLS through the default execute-api endpoint; set disableExecuteApiEndpoint: true.',
                    },
                ],
            },
        ],
        notApplicable: { resources: [restApi(false)], reason: "The stack has no API Gateway custom domain names" },
        unknown: { resources: [mtlsDomain, restApi(true), mapping("api.example.com", UNKNOWN)], path: "restApi" },
    },
    {
        policy: "rds-force-ssl",
        compliant: [auroraPg(), clusterPg(forceSsl)],
        compliantVariants: [
            {
                when: "Aurora MySQL with require_secure_transport ON",
                resources: [
                    auroraPg({ engine: "aurora-mysql", dbClusterParameterGroupName: "mysql-pg" }),
                    clusterPg([{ name: "require_secure_transport", value: "ON" }], "mysql-pg"),
                ],
            },
            {
                when: "an RDS instance with a parameter group",
                resources: [
                    res(T.instance, "legacy", { engine: "postgres", parameterGroupName: "legacy-pg" }),
                    res(T.pg, "legacy-pg", { name: "legacy-pg", family: "postgres16", parameters: forceSsl }),
                ],
            },
        ],
        violations: [
            {
                when: "no parameter group",
                resources: [auroraPg({ dbClusterParameterGroupName: undefined })],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message: `dbClusterParameterGroupName is not set: the default parameter group does not force TLS (rds.force_ssl is off); ${FORCE_SSL_FIX}.`,
                    },
                ],
            },
            {
                when: "a parameter group outside the stack",
                resources: [auroraPg({ dbClusterParameterGroupName: "shared-pg" }), clusterPg(forceSsl)],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message: `dbClusterParameterGroupName "shared-pg" is not an aws.rds.ClusterParameterGroup of this stack, so rds.force_ssl cannot be verified; ${FORCE_SSL_FIX}.`,
                    },
                ],
            },
            {
                when: "rds.force_ssl = 0",
                resources: [auroraPg(), clusterPg([{ name: "rds.force_ssl", value: "0" }])],
                expect: [
                    { urn: urnOf(T.cluster, "orders-db"), message: `parameter group "orders-pg" sets rds.force_ssl = 0: non-TLS connections are accepted; ${FORCE_SSL_FIX}.` },
                ],
            },
            {
                when: "rds.force_ssl not set",
                resources: [auroraPg(), clusterPg([{ name: "log_statement", value: "ddl" }])],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message: `parameter group "orders-pg" sets rds.force_ssl = (not set): non-TLS connections are accepted; ${FORCE_SSL_FIX}.`,
                    },
                ],
            },
            {
                when: "Aurora MySQL without require_secure_transport",
                resources: [auroraPg({ engine: "aurora-mysql" }), clusterPg([])],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message:
                            'parameter group "orders-pg" sets require_secure_transport = (not set): non-TLS connections are accepted; attach an aws.rds.ClusterParameterGroup with require_secure_transport = 1.',
                    },
                ],
            },
            {
                when: "an RDS instance on the default parameter group",
                resources: [res(T.instance, "legacy", { engine: "postgres" })],
                expect: [
                    {
                        urn: urnOf(T.instance, "legacy"),
                        message:
                            "parameterGroupName is not set: the default parameter group does not force TLS (rds.force_ssl is off); attach an aws.rds.ParameterGroup with rds.force_ssl = 1.",
                    },
                ],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no RDS clusters or DB instances" },
        unknown: { resources: [auroraPg({ dbClusterParameterGroupName: UNKNOWN }), clusterPg(forceSsl)], path: "dbClusterParameterGroupName" },
    },
    {
        policy: "aurora-cluster-min-instances",
        compliant: [auroraPg(), clusterInstance("orders-db-1"), clusterInstance("orders-db-2")],
        compliantVariants: [
            {
                when: "instances referencing the cluster id (no clusterIdentifier input)",
                resources: [auroraPg({ clusterIdentifier: undefined, id: "orders-db-a1b2" }), clusterInstance("i1", "orders-db-a1b2"), clusterInstance("i2", "orders-db-a1b2")],
            },
            {
                when: "a non-Aurora Multi-AZ DB cluster (no ClusterInstances)",
                resources: [res(T.cluster, "mazc", { engine: "postgres", dbClusterInstanceClass: "db.m6gd.large" })],
            },
            { when: "dev's config allows one instance", config: { "aurora-cluster-min-instances": { minInstances: 1 } }, resources: [auroraPg(), clusterInstance("orders-db-1")] },
        ],
        violations: [
            {
                when: "one instance",
                resources: [auroraPg(), clusterInstance("orders-db-1")],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message:
                            "Aurora cluster has 1 instance(s) (aws.rds.ClusterInstance whose clusterIdentifier is this cluster); at least 2 are required so a reader in another AZ can take over on failover.",
                    },
                ],
            },
            {
                when: "instances of another cluster",
                resources: [auroraPg(), clusterInstance("x1", "other-db"), clusterInstance("x2", "other-db")],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message:
                            "Aurora cluster has 0 instance(s) (aws.rds.ClusterInstance whose clusterIdentifier is this cluster); at least 2 are required so a reader in another AZ can take over on failover.",
                    },
                ],
            },
            {
                when: "the config requires 3",
                config: { "aurora-cluster-min-instances": { minInstances: 3 } },
                resources: [auroraPg(), clusterInstance("orders-db-1"), clusterInstance("orders-db-2")],
                expect: [
                    {
                        urn: urnOf(T.cluster, "orders-db"),
                        message:
                            "Aurora cluster has 2 instance(s) (aws.rds.ClusterInstance whose clusterIdentifier is this cluster); at least 3 are required so a reader in another AZ can take over on failover.",
                    },
                ],
            },
        ],
        notApplicable: { resources: [clusterInstance("orphan")], reason: "The stack has no RDS clusters" },
        unknown: { resources: [auroraPg(), clusterInstance("orders-db-1"), clusterInstance("orders-db-2", UNKNOWN)], path: "clusterIdentifier" },
    },
    {
        policy: "vpc-nat-gateway-per-az",
        compliant: vpcTree(3, [0, 1, 2]),
        compliantVariants: [
            { when: "a hand-written VPC with a NAT gateway per AZ (correlated by vpcId and subnetId)", resources: handWritten(3, [0, 1, 2]) },
            {
                when: "no NAT gateway at all (awsx strategy None allows no private subnets: no NAT egress to lose)",
                resources: [awsxVpc(), ec2Vpc(), subnet("public", 0), subnet("public", 1)],
            },
            {
                when: "an awsx VPC without children whose props carry its inputs under args (the provider's registration)",
                resources: [awsxVpc({ name: "network", args: { cidrBlock: "10.0.0.0/16", natGateways: { strategy: "OnePerAz" } }, opts: {} })],
            },
            {
                when: "an awsx VPC without children, inputs at the top level (mock-engine records), natGateways omitted (awsx default OnePerAz)",
                resources: [awsxVpc({ cidrBlock: "10.0.0.0/16" })],
            },
            { when: 'args.natGateways.strategy "None"', resources: [awsxVpc({ args: { natGateways: { strategy: "None" } } })] },
        ],
        violations: [
            {
                when: "one NAT gateway for three AZs (what awsx strategy Single creates)",
                resources: vpcTree(3, [0]),
                expect: [
                    {
                        urn: NETWORK,
                        message: `NAT gateways are in 1 of the 3 AZs with public subnets (eu-west-1a); eu-west-1b and eu-west-1c have none, so private subnets there send egress through another AZ and lose it when that AZ fails: ${NAT_FIX}.`,
                    },
                ],
            },
            {
                when: "a private NAT gateway in one AZ (no internet egress)",
                resources: [...vpcTree(3, [0, 2]), natGateway(1, { connectivityType: "private" })],
                expect: [
                    {
                        urn: NETWORK,
                        message: `NAT gateways are in 2 of the 3 AZs with public subnets (eu-west-1a and eu-west-1c); eu-west-1b has none, so private subnets there send egress through another AZ and lose it when that AZ fails: ${NAT_FIX}.`,
                    },
                ],
            },
            {
                when: "a hand-written VPC with one NAT gateway for two AZs",
                resources: handWritten(2, [1]),
                expect: [
                    {
                        urn: urnOf(T.ec2Vpc, "network"),
                        message:
                            "NAT gateways are in 1 of the 2 AZs with public subnets (eu-west-1b); eu-west-1a has none, so private subnets there send egress through another AZ and lose it when that AZ fails: add an aws.ec2.NatGateway in a public subnet of each AZ and route that AZ's private subnets to it.",
                    },
                ],
            },
            {
                when: 'an awsx VPC without children: args.natGateways.strategy "Single"',
                resources: [awsxVpc({ name: "network", args: { natGateways: { strategy: "Single" } }, opts: {} })],
                expect: [{ urn: NETWORK, message: SINGLE_NAT }],
            },
            {
                when: 'an awsx VPC without children: top-level natGateways.strategy "Single" (mock-engine records)',
                resources: [awsxVpc({ cidrBlock: "10.0.0.0/16", natGateways: { strategy: "Single" } })],
                expect: [{ urn: NETWORK, message: SINGLE_NAT }],
            },
        ],
        notApplicable: { resources: [queue], reason: NO_VPC },
        moreNotApplicable: [
            {
                when: "an awsx VPC whose props are {} and whose children are not recorded (not a pass)",
                resources: [awsxVpc()],
                reason: unverifiableVpc("NAT gateways per AZ"),
            },
        ],
        unknown: { resources: [...vpcTree(2, [0, 1]), subnet("public", 2, { availabilityZone: UNKNOWN }), subnet("private", 2), natGateway(2)], path: "availabilityZone" },
    },
    {
        policy: "vpc-multi-az",
        compliant: vpcTree(3, [0, 1, 2]),
        compliantVariants: [
            { when: "prod's config requires 3 AZs", config: { "vpc-multi-az": { minAvailabilityZones: 3 } }, resources: vpcTree(3, [0, 1, 2]) },
            { when: "a hand-written VPC over 2 AZs", resources: handWritten(2, []) },
            { when: "an awsx VPC without children: args.numberOfAvailabilityZones 2", resources: [awsxVpc({ args: { numberOfAvailabilityZones: 2 } })] },
            { when: "an awsx VPC without children, AZ count omitted (awsx default: 3)", resources: [awsxVpc({ cidrBlock: "10.0.0.0/16" })] },
        ],
        violations: [
            {
                when: "subnets in one AZ",
                resources: vpcTree(1, [0]),
                expect: [{ urn: NETWORK, message: "the VPC's subnets span 1 AZ(s) (eu-west-1a): at least 2 are required; set numberOfAvailabilityZones >= 2." }],
            },
            {
                when: "prod's config requires 3 AZs, subnets in 2",
                config: { "vpc-multi-az": { minAvailabilityZones: 3 } },
                resources: vpcTree(2, [0, 1]),
                expect: [{ urn: NETWORK, message: "the VPC's subnets span 2 AZ(s) (eu-west-1a and eu-west-1b): at least 3 are required; set numberOfAvailabilityZones >= 3." }],
            },
            {
                when: "a hand-written VPC in one AZ",
                resources: handWritten(1, []),
                expect: [{ urn: urnOf(T.ec2Vpc, "network"), message: "the VPC's subnets span 1 AZ(s) (eu-west-1a): at least 2 are required; create subnets in at least 2 AZs." }],
            },
            {
                when: "an awsx VPC without children: one named AZ under args",
                resources: [awsxVpc({ args: { availabilityZoneNames: ["eu-west-1a"] } })],
                expect: [{ urn: NETWORK, message: "the VPC spans 1 AZ(s): at least 2 are required; set numberOfAvailabilityZones >= 2." }],
            },
            {
                when: "an awsx VPC without children: top-level numberOfAvailabilityZones 1 (mock-engine records)",
                resources: [awsxVpc({ numberOfAvailabilityZones: 1 })],
                expect: [{ urn: NETWORK, message: "the VPC spans 1 AZ(s): at least 2 are required; set numberOfAvailabilityZones >= 2." }],
            },
        ],
        notApplicable: { resources: [queue], reason: NO_VPC },
        moreNotApplicable: [
            { when: "an awsx VPC whose props are {} and whose children are not recorded (not a pass)", resources: [awsxVpc()], reason: unverifiableVpc("its AZs") },
        ],
        unknown: { resources: [...vpcTree(2, [0, 1]), subnet("private", 2, { availabilityZone: UNKNOWN })], path: "availabilityZone" },
    },
    {
        policy: "security-group-no-public-ingress",
        compliant: [
            edgeLb,
            edgeGroup(),
            internalLb,
            appGroup(),
            ingressRule("edge-https-v6", { cidrIpv6: "::/0" }),
            groupRule("app-ssh", { securityGroupId: "sg-app", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }),
        ],
        compliantVariants: [
            {
                when: "port 80 allowed by config on an internet-facing load balancer's group",
                config: { "security-group-no-public-ingress": { allowedPublicPorts: [443, 80] } },
                resources: [edgeLb, edgeGroup(), ingressRule("edge-http", { fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" })],
            },
            {
                when: "an egress SecurityGroupRule to 0.0.0.0/0 (egress is not ingress)",
                resources: [groupRule("egress", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] })],
            },
            { when: "the aws:alb/loadBalancer alias token", resources: [loadBalancer("edge", { internal: false, securityGroups: ["sg-edge"] }, T.alb), edgeGroup()] },
            {
                when: "attachment recorded only in the engine's propertyDependencies (ids not matching)",
                resources: [
                    edgeGroup(),
                    { ...loadBalancer("edge", { internal: false, securityGroups: ["computed-elsewhere"] }), propertyDependencies: { securityGroups: [urnOf(T.sg, "edge-sg")] } },
                ],
            },
        ],
        violations: [
            {
                when: "inline SSH from anywhere, even on an internet-facing load balancer's group",
                resources: [edgeLb, edgeGroup([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }])],
                expect: [{ urn: urnOf(T.sg, "edge-sg"), message: `ingress[0] allows 0.0.0.0/0 on tcp port 22: ${SG_FIX}` }],
            },
            {
                when: "inline all traffic from anywhere",
                resources: [edgeLb, edgeGroup([https(), { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }])],
                expect: [{ urn: urnOf(T.sg, "edge-sg"), message: `ingress[1] allows 0.0.0.0/0 and ::/0 on all protocols and ports: ${SG_FIX}` }],
            },
            {
                when: "an inline port range from ::/0",
                resources: [edgeLb, edgeGroup([https({ fromPort: 80, ipv6CidrBlocks: ["::/0"] })])],
                expect: [{ urn: urnOf(T.sg, "edge-sg"), message: `ingress[0] allows ::/0 on tcp ports 80-443: ${SG_FIX}` }],
            },
            {
                when: "a SecurityGroupRule SSH from anywhere",
                resources: [edgeLb, edgeGroup(), groupRule("ssh", { fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] })],
                expect: [{ urn: urnOf(T.sgRule, "ssh"), message: `the rule allows 0.0.0.0/0 on tcp port 22: ${SG_FIX}` }],
            },
            {
                when: "a vpc ingress rule RDP from anywhere",
                resources: [edgeLb, edgeGroup(), ingressRule("rdp", { fromPort: 3389, toPort: 3389, cidrIpv4: "0.0.0.0/0" })],
                expect: [{ urn: urnOf(T.sgIngress, "rdp"), message: `the rule allows 0.0.0.0/0 on tcp port 3389: ${SG_FIX}` }],
            },
            {
                when: "a vpc ingress rule for all protocols from ::/0",
                resources: [edgeLb, edgeGroup(), ingressRule("all", { ipProtocol: "-1", fromPort: undefined, toPort: undefined, cidrIpv6: "::/0" })],
                expect: [{ urn: urnOf(T.sgIngress, "all"), message: `the rule allows ::/0 on all protocols and ports: ${SG_FIX}` }],
            },
            {
                when: "udp 443 from anywhere",
                resources: [edgeLb, edgeGroup(), ingressRule("quic", { ipProtocol: "udp", cidrIpv4: "0.0.0.0/0" })],
                expect: [{ urn: urnOf(T.sgIngress, "quic"), message: `the rule allows 0.0.0.0/0 on udp port 443: ${SG_FIX}` }],
            },
            {
                when: "443 from the internet on a group no load balancer uses",
                resources: [edgeLb, edgeGroup(), appGroup([https()])],
                expect: [{ urn: urnOf(T.sg, "app-sg"), message: `ingress[0] allows 0.0.0.0/0 and ::/0 on tcp port 443, ${NOT_EDGE}` }],
            },
            {
                when: "443 from the internet on an internal load balancer's group (a SecurityGroupRule)",
                resources: [internalLb, appGroup(), groupRule("app-https", { securityGroupId: "sg-app", cidrBlocks: ["0.0.0.0/0"] })],
                expect: [{ urn: urnOf(T.sgRule, "app-https"), message: `the rule allows 0.0.0.0/0 on tcp port 443, ${NOT_EDGE}` }],
            },
            {
                when: "443 from the internet on a group outside the stack (a vpc ingress rule)",
                resources: [edgeLb, ingressRule("foreign", { securityGroupId: "sg-elsewhere", cidrIpv4: "0.0.0.0/0" })],
                expect: [{ urn: urnOf(T.sgIngress, "foreign"), message: `the rule allows 0.0.0.0/0 on tcp port 443, ${NOT_EDGE}` }],
            },
        ],
        notApplicable: { resources: [queue], reason: "The stack has no security groups or ingress rules" },
        unknown: { resources: [edgeLb, edgeGroup([https({ cidrBlocks: UNKNOWN })])], path: "ingress.0.cidrBlocks" },
    },
    {
        policy: "lb-waf",
        compliant: [edgeLb, wafFor(LB_ARN), internalLb],
        compliantVariants: [
            { when: "the aws:alb/loadBalancer alias token", resources: [loadBalancer("edge", { internal: false }, T.alb), wafFor(loadBalancer("edge").props["arn"])] },
            {
                when: "an internet-facing network load balancer (WAF attaches to ALBs only) beside a protected ALB",
                resources: [edgeLb, wafFor(LB_ARN), loadBalancer("nlb", { internal: false, loadBalancerType: "network" })],
            },
        ],
        violations: [
            {
                when: "no association",
                resources: [edgeLb, internalLb],
                expect: [
                    {
                        urn: edgeLb.urn,
                        message:
                            'internet-facing load balancer "edge" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is the load balancer\'s ARN (web ACL scope REGIONAL).',
                    },
                ],
            },
            {
                when: "internal omitted (internet-facing is the default) and the association is for another load balancer",
                resources: [loadBalancer("edge"), wafFor(internalLb.props["arn"])],
                expect: [
                    {
                        urn: urnOf(T.lb, "edge"),
                        message:
                            'internet-facing load balancer "edge" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is the load balancer\'s ARN (web ACL scope REGIONAL).',
                    },
                ],
            },
        ],
        notApplicable: { resources: [internalLb], reason: "The stack has no internet-facing application load balancers" },
        unknown: { resources: [edgeLb, wafFor(UNKNOWN)], path: "resourceArn" },
    },
    {
        policy: "lb-listener-rule-https-only",
        compliant: [httpsListener, httpListener, listenerRule("orders", listenerArn("https"), [FORWARD]), listenerRule("legacy", listenerArn("http"), [REDIRECT])],
        compliantVariants: [
            {
                when: "the aws:alb listener and listener rule alias tokens",
                resources: [listener("https", "HTTPS", T.albListener), listenerRule("orders", listenerArn("https"), [FORWARD], T.albListenerRule)],
            },
        ],
        violations: [
            {
                when: "a forward rule on the HTTP listener",
                resources: [httpsListener, httpListener, listenerRule("orders", listenerArn("http"), [FORWARD])],
                expect: [
                    { urn: urnOf(T.listenerRule, "orders"), message: `the rule is on the HTTP listener "http" and actions[0] is "forward", not a redirect to HTTPS: ${RULE_FIX}` },
                ],
            },
            {
                when: "aws:alb tokens, protocol omitted (HTTP), a redirect that keeps the protocol",
                resources: [
                    listener("plain", undefined, T.albListener),
                    listenerRule("keep", listenerArn("plain"), [{ type: "redirect", redirect: { host: "www.example.com", statusCode: "HTTP_302" } }], T.albListenerRule),
                ],
                expect: [
                    {
                        urn: urnOf(T.albListenerRule, "keep"),
                        message: `the rule is on the HTTP listener "plain" and actions[0] redirects with redirect.protocol "#{protocol}", not "HTTPS": ${RULE_FIX}`,
                    },
                ],
            },
            {
                when: "a fixed-response rule on the HTTP listener",
                resources: [
                    httpListener,
                    listenerRule("maintenance", listenerArn("http"), [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "503" } }]),
                ],
                expect: [
                    {
                        urn: urnOf(T.listenerRule, "maintenance"),
                        message: `the rule is on the HTTP listener "http" and actions[0] is "fixed-response", not a redirect to HTTPS: ${RULE_FIX}`,
                    },
                ],
            },
        ],
        notApplicable: { resources: [httpsListener, httpListener], reason: "The stack has no load balancer listener rules" },
        moreNotApplicable: [
            {
                when: "rules whose listener is in another stack",
                resources: [listenerRule("orders", "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shared/1/abc", [FORWARD])],
                reason: "The stack's listener rules belong to listeners of other stacks, whose protocol is not visible here",
            },
        ],
        unknown: { resources: [httpsListener, httpListener, listenerRule("orders", UNKNOWN, [FORWARD])], path: "listenerArn" },
    },
    {
        policy: "stateful-resources-protected",
        compliant: [protectedTable, res(T.bucket, "site", { bucket: "site" }, { protect: true }), res(T.queue, "orders", { name: "orders" }, { protect: true }), topic],
        compliantVariants: [
            {
                when: "dev's config with no stateful types beyond tables",
                config: { "stateful-resources-protected": { statefulTypes: [T.table] } },
                resources: [protectedTable, res(T.bucket, "scratch", {})],
            },
        ],
        violations: [
            {
                when: "an unprotected table",
                resources: [res(T.table, "orders", { name: "orders" })],
                expect: [{ urn: urnOf(T.table, "orders"), message: `${T.table} "orders" ${PROTECT_FIX}` }],
            },
            {
                when: "an unprotected Aurora cluster instance (a default stateful type)",
                resources: [protectedTable, clusterInstance("orders-db-1")],
                expect: [{ urn: urnOf(T.clusterInstance, "orders-db-1"), message: `${T.clusterInstance} "orders-db-1" ${PROTECT_FIX}` }],
            },
            {
                when: "protect explicitly false on a bucket",
                resources: [protectedTable, res(T.bucket, "site", {}, { protect: false })],
                expect: [{ urn: urnOf(T.bucket, "site"), message: `${T.bucket} "site" ${PROTECT_FIX}` }],
            },
            {
                when: "an unprotected queue (messages and dead letters are data: a default stateful type)",
                resources: [protectedTable, queue],
                expect: [{ urn: queue.urn, message: `${T.queue} "orders" ${PROTECT_FIX}` }],
            },
            {
                when: "config adds topics",
                config: { "stateful-resources-protected": { statefulTypes: [T.topic] } },
                resources: [protectedTable, topic],
                expect: [{ urn: topic.urn, message: `${T.topic} "events" ${PROTECT_FIX}` }],
            },
        ],
        notApplicable: { resources: [topic], reason: "The stack has no stateful resources" },
        unknown: {
            why: "the policy reads only resource options (protect), which the engine always knows, so unknown properties do not affect it",
            resources: [res(T.table, "orders", { name: UNKNOWN }, { protect: true })],
        },
    },
    {
        policy: "cloudfront-access-logging",
        compliant: [dist({ loggingConfig: { bucket: "cf-logs.s3.amazonaws.com", prefix: "edge/" } })],
        compliantVariants: [{ when: "a v2 log delivery (source + delivery)", resources: [dist(), source(DIST_ARN), delivery("edge-logs-src")] }],
        violations: [
            {
                when: "no logging",
                resources: [dist()],
                expect: [
                    {
                        urn: urnOf(T.distribution, "edge"),
                        message:
                            "distribution has no access logging: set loggingConfig.bucket, or add an aws.cloudwatch.LogDeliverySource (resourceArn = the distribution ARN, logType ACCESS_LOGS) and an aws.cloudwatch.LogDelivery.",
                    },
                ],
            },
            {
                when: "a source without a delivery",
                resources: [dist(), source(DIST_ARN)],
                expect: [
                    {
                        urn: urnOf(T.distribution, "edge"),
                        message:
                            "the distribution's LogDeliverySource has no aws.cloudwatch.LogDelivery (deliverySourceName = the source's name): logs are collected but delivered nowhere.",
                    },
                ],
            },
            {
                when: "a source for another distribution",
                resources: [dist(), source("arn:aws:cloudfront::111122223333:distribution/EOTHER"), delivery("edge-logs-src")],
                expect: [
                    {
                        urn: urnOf(T.distribution, "edge"),
                        message:
                            "distribution has no access logging: set loggingConfig.bucket, or add an aws.cloudwatch.LogDeliverySource (resourceArn = the distribution ARN, logType ACCESS_LOGS) and an aws.cloudwatch.LogDelivery.",
                    },
                ],
            },
        ],
        notApplicable: { resources: [bucket], reason: "The stack has no CloudFront distributions" },
        unknown: { resources: [dist(), source(UNKNOWN), delivery("edge-logs-src")], path: "resourceArn" },
    },
    {
        policy: "apigateway-stage-waf",
        compliant: [apiStage, wafAssociation(STAGE_ARN)],
        compliantVariants: [
            { when: "a hand-built stage ARN (stage outputs without arn)", resources: [res(T.stage, "prod", { restApi: "api123", stageName: "prod" }), wafAssociation(STAGE_ARN)] },
        ],
        violations: [
            {
                when: "no association",
                resources: [apiStage],
                expect: [
                    {
                        urn: apiStage.urn,
                        message:
                            'API Gateway stage "prod" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is this stage\'s ARN (web ACL scope REGIONAL).',
                    },
                ],
            },
            {
                when: "an association for another stage",
                resources: [apiStage, wafAssociation("arn:aws:apigateway:eu-west-1::/restapis/api123/stages/test")],
                expect: [
                    {
                        urn: apiStage.urn,
                        message:
                            'API Gateway stage "prod" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is this stage\'s ARN (web ACL scope REGIONAL).',
                    },
                ],
            },
        ],
        notApplicable: { resources: [restApi(true)], reason: "The stack has no API Gateway REST stages" },
        unknown: { resources: [apiStage, wafAssociation(UNKNOWN)], path: "resourceArn" },
    },
];
