/**
 * InternalAlbService: the synchronous compute tier. One internal Application Load Balancer
 * (HTTPS only, TLS 1.3 policy) in the private subnets routes by host/path to Fargate services that
 * run in one ECS cluster, each with its own target group, security group, roles, log group and
 * Application Auto Scaling policies.
 *
 * Secure by construction:
 * - the ALB is internal, drops invalid headers, mitigates desync, logs to a private, versioned,
 *   SSE-S3 bucket (ALB access logs cannot use SSE-KMS) that denies plain-HTTP requests;
 * - 443 uses an ACM certificate validated in the public zone and a TLS 1.3 policy; 80 only
 *   redirects; the 443 default action is a fixed 404, so an unmatched host or path never reaches a
 *   service;
 * - security groups have no inline rules; every rule is a standalone resource that names its peer
 *   group: ALB <- client group (the API's VPC link) on 443, service <- ALB on the service's port,
 *   and per declared dependency (`connectsTo`) an ingress on the dependency's group from the
 *   service's group. No ingress rule of this component is open to 0.0.0.0/0;
 * - tasks have no public IP, a read-only root filesystem by default, an init process, and roles
 *   that carry exactly what the service declares (task role) or needs to start (execution role).
 *
 * Hand-written rather than `awsx.ecs.FargateService` / `awsx.lb.ApplicationLoadBalancer`: awsx
 * creates inline security-group rules and a default target group on the listener, and its default
 * execution role uses the AWS-managed policy with `Resource: "*"`; here the default action must be
 * a fixed 404, rules must be standalone (other components' groups get rules from this one), and
 * the execution role must be scoped to the service's repository, log group and secrets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { LIMITS } from "../config/resolve";
import { APP_KEY_CONTEXT_KEY } from "./encryption-keys";
import { checkAlbRuleLimits } from "../lib/alb-rules";
import { parseCidr } from "../lib/cidr";
import { PolicyStatement, assumeRolePolicy, denyInsecureTransport, kmsViaService, policyJson } from "../lib/iam";
import { DNS_LABEL, LB_NAME_MAX, isDomainName, isWithinZone, loadBalancerLogicalName, maxLogicalNameLength, targetGroupLogicalName } from "../lib/naming";

/** A dependency a service connects to (database, cache, ...), identified by its security group. */
export interface ServiceConnection {
    /** Security group of the dependency. This component adds ingress on it from the service's group. */
    readonly securityGroupId: pulumi.Input<string>;
    /** TCP port the dependency listens on. */
    readonly port: number;
    /** Why the service connects (becomes both rules' description), e.g. "orders -> Aurora PostgreSQL". */
    readonly description: string;
}

/** Target tracking on the SQS backlog per running task. */
export interface QueueScalingArgs {
    /** Name (not URL or ARN) of the queue the service consumes. */
    readonly queueName: pulumi.Input<string>;
    /** Visible messages per running task the policy keeps the service at (acceptable latency / time per message). */
    readonly backlogPerTask: number;
}

/** ALB target-group health check of a service. */
export interface ServiceHealthCheckArgs {
    /**
     * Absolute path the ALB requests.
     * @default "/health"
     */
    readonly path?: string;
    /**
     * HTTP codes that mean healthy (`200`, `200,204`, `200-299`), within 200-499 (the ALB's range).
     * @default "200"
     */
    readonly matcher?: string;
    /**
     * Seconds between checks, 5-300.
     * @default 15
     */
    readonly intervalSeconds?: number;
    /**
     * Seconds without a response that fail a check, 2-120 and less than the interval.
     * @default 5
     */
    readonly timeoutSeconds?: number;
    /**
     * Consecutive successes before a target is healthy, 2-10.
     * @default 2
     */
    readonly healthyThreshold?: number;
    /**
     * Consecutive failures before a target is unhealthy, 2-10.
     * @default 3
     */
    readonly unhealthyThreshold?: number;
}

/** One Fargate service behind the ALB. */
export interface AlbServiceArgs {
    /** DNS-safe name (lowercase letters, digits, hyphens; starts with a letter), unique in the component. */
    readonly name: string;
    /** Container image, preferably an ECR image pinned by tag or digest. */
    readonly image: pulumi.Input<string>;
    /** Port the container listens on (and the target group's port). */
    readonly port: number;
    /** Fargate task CPU units (256 = 0.25 vCPU). */
    readonly cpu: number;
    /** Fargate task memory (MiB), a valid pair with `cpu`. */
    readonly memory: number;
    /**
     * Host header patterns of the service's listener rule (case-insensitive; `*` and `?`
     * wildcards), at most 3. The rule ANDs them with `pathPatterns`; together at most 5 values and
     * 5 wildcards.
     * @default none (at least one host or path pattern is required)
     */
    readonly hostPatterns?: readonly string[];
    /**
     * Path patterns of the service's listener rule (case-sensitive; `*` and `?` wildcards), at
     * most 3. `/orders/*` does not match `/orders`: list both when both are served.
     * @default none (at least one host or path pattern is required)
     */
    readonly pathPatterns?: readonly string[];
    /**
     * Listener rule priority, 1-50000, unique. Explicit so that adding or removing another service
     * never renumbers (and so never replaces) this service's rule.
     */
    readonly priority: number;
    /**
     * Target-group health check.
     * @default path /health, matcher 200, every 15 s, timeout 5 s, healthy after 2, unhealthy after 3
     */
    readonly healthCheck?: ServiceHealthCheckArgs;
    /**
     * Protocol from the ALB to the tasks. HTTP by default: the hop stays inside private subnets
     * between two security groups that only admit each other, the ALB does not verify target
     * certificates (so HTTPS would add encryption but no authentication), and most images do not
     * serve TLS. Use HTTPS for services that terminate TLS themselves.
     * @default "HTTP"
     */
    readonly targetProtocol?: "HTTP" | "HTTPS";
    /**
     * Seconds the ALB lets in-flight requests finish on a deregistering task, 0-3600.
     * @default 30
     */
    readonly deregistrationDelaySeconds?: number;
    /**
     * Seconds ECS ignores failing ALB health checks of a new task, 0-2147483647.
     * @default 60
     */
    readonly healthCheckGracePeriodSeconds?: number;
    /**
     * Fewest running tasks (Application Auto Scaling minimum), >= 1.
     * @default 2 (one per AZ in two AZs)
     */
    readonly minCount?: number;
    /**
     * Most running tasks (Application Auto Scaling maximum), >= minCount.
     * @default 4
     */
    readonly maxCount?: number;
    /**
     * Average CPU utilization (%) the CPU policy keeps, 1-100.
     * @default 60
     */
    readonly cpuTargetPercent?: number;
    /**
     * Average memory utilization (%) the memory policy keeps, 1-100.
     * @default 70
     */
    readonly memoryTargetPercent?: number;
    /**
     * ALB requests per target per minute the request-count policy keeps, >= 1.
     * @default 1000
     */
    readonly requestsPerTarget?: number;
    /**
     * Extra target tracking on the backlog of an SQS queue the service consumes.
     * @default no queue scaling
     */
    readonly queueScaling?: QueueScalingArgs;
    /**
     * Mount the container's root filesystem read-only (a writable, task-local `/tmp` is mounted).
     * @default true
     */
    readonly readonlyRootFilesystem?: boolean;
    /**
     * User the container runs as (`uid`, `uid:gid`, `name` or `name:group`); never root or 0.
     * @default the image's USER
     */
    readonly user?: string;
    /**
     * CPU architecture of the task.
     * @default "X86_64"
     */
    readonly cpuArchitecture?: "X86_64" | "ARM64";
    /**
     * Plain environment variables (names A-Z, 0-9, _). Never secrets: those go in `secrets`.
     * `SERVICE_NAME` and `APP_KMS_KEY_ARN` are set by the component.
     * @default none
     */
    readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Secrets injected by ECS at start: environment variable name -> Secrets Manager secret ARN
     * (optionally with a `:json-key:version-stage:version-id` suffix). The execution role may read
     * exactly these secrets.
     * @default none
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Statements of the task role's policy (grants other components export, e.g.
     * `DataTier.clientPolicyStatements`). The role gets exactly these plus the envelope-encryption
     * grant on the `app` key.
     * @default none
     */
    readonly policyStatements?: pulumi.Input<PolicyStatement[]>;
    /**
     * Dependencies the service opens connections to. Per entry: an ingress rule on the dependency's
     * group from the service's group and an egress rule from the service's group to it, on `port`.
     * @default none
     */
    readonly connectsTo?: readonly ServiceConnection[];
}

/** Access-log bucket settings. */
export interface AlbAccessLogArgs {
    /**
     * Key prefix of the logs (no leading or trailing `/`, must not contain `AWSLogs`).
     * @default "alb"
     */
    readonly prefix?: string;
    /**
     * Days before a log object expires.
     * @default 90
     */
    readonly expirationDays?: number;
    /**
     * Days a noncurrent (overwritten or deleted) version is kept.
     * @default 30
     */
    readonly noncurrentVersionExpirationDays?: number;
    /**
     * Days before an incomplete multipart upload is aborted.
     * @default 7
     */
    readonly abortIncompleteMultipartUploadDays?: number;
}

export interface InternalAlbServiceArgs {
    /** AWS Region of the stack (decides how ELB log delivery is authorized; names the awslogs Region). */
    readonly region: string;
    /** VPC of the ALB, the target groups and the security groups. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets, one per AZ (the Network component's `privateSubnetIds`). */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Number of AZs `privateSubnetIds` spans. A plain value because the subnet ids are Outputs and
     * an ALB needs subnets in >= 2 AZs.
     */
    readonly availabilityZoneCount: number;
    /** Public hosted zone that holds the certificate's DNS validation record. */
    readonly publicZoneId: pulumi.Input<string>;
    /** Name of that zone, e.g. `example.com` (checks the certificate domain belongs to it). */
    readonly publicZoneName: string;
    /** Certificate domain of the ALB, e.g. `*.internal.example.com`; within `publicZoneName`. */
    readonly certificateDomain: string;
    /**
     * TLS security policy of the HTTPS listener: one of `ALB_TLS_POLICIES` (TLS 1.3, with TLS 1.2
     * as the minimum; `ELBSecurityPolicy-TLS13-1-0/1-1-*` still accept TLS 1.0/1.1 and are refused).
     * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
     */
    readonly tlsPolicy?: string;
    /**
     * ALB deletion protection (turn off only in throwaway environments).
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Create the access-log bucket with `protect` and `retainOnDelete`: access logs are audit
     * evidence, so neither `pulumi destroy` nor a replacement may delete them.
     * @default false
     */
    readonly protectAccessLogs?: boolean;
    /**
     * HTTP desync mitigation: `defensive` (AWS's default) or `strictest`.
     * @default "defensive"
     */
    readonly desyncMitigationMode?: "defensive" | "strictest";
    /**
     * ALB idle timeout, 1-4000 seconds.
     * @default 60
     */
    readonly idleTimeoutSeconds?: number;
    /**
     * Private IPv4 CIDRs (RFC 1918 or RFC 6598) allowed to reach 443 besides the client group,
     * e.g. an on-premises range over VPN. Never 0.0.0.0/0 or ::/0.
     * @default none
     */
    readonly extraIngressCidrs?: readonly string[];
    /**
     * Access-log bucket settings.
     * @default prefix "alb", objects expire after 90 days, noncurrent versions after 30, incomplete uploads aborted after 7
     */
    readonly accessLogs?: AlbAccessLogArgs;
    /**
     * Container Insights level of the cluster (`RunningTaskCount` for queue scaling needs either).
     * @default "enabled"
     */
    readonly containerInsights?: "enabled" | "enhanced";
    /** ARN of the `logs` CMK: encrypts the services' log groups. */
    readonly logsKeyArn: pulumi.Input<string>;
    /** ARN of the `app` CMK: services' envelope encryption (GenerateDataKey/Decrypt with their context). */
    readonly appKeyArn: pulumi.Input<string>;
    /**
     * ARN of the CMK that encrypts the secrets in `services[].secrets` (the `data` key). When set,
     * execution roles of services with secrets may use it for Decrypt through Secrets Manager only.
     * @default no KMS grant (secrets under the AWS-managed key, or a key policy that grants the roles)
     */
    readonly secretsKeyArn?: pulumi.Input<string>;
    /**
     * Retention of the services' log groups (a CloudWatch Logs retention value).
     * @default 30
     */
    readonly logRetentionDays?: number;
    /** The services; one listener rule each (<= 100). */
    readonly services: readonly AlbServiceArgs[];
}

/** Secure defaults, in one place. */
export const INTERNAL_ALB_SERVICE_DEFAULTS = {
    tlsPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    deletionProtection: true,
    protectAccessLogs: false,
    desyncMitigationMode: "defensive",
    idleTimeoutSeconds: 60,
    containerInsights: "enabled",
    logRetentionDays: 30,
    accessLogs: { prefix: "alb", expirationDays: 90, noncurrentVersionExpirationDays: 30, abortIncompleteMultipartUploadDays: 7 },
    service: {
        targetProtocol: "HTTP",
        deregistrationDelaySeconds: 30,
        healthCheckGracePeriodSeconds: 60,
        minCount: 2,
        maxCount: 4,
        cpuTargetPercent: 60,
        memoryTargetPercent: 70,
        requestsPerTarget: 1000,
        readonlyRootFilesystem: true,
        cpuArchitecture: "X86_64",
        healthCheck: { path: "/health", matcher: "200", intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    },
    /** Scale out fast, scale in slowly (Application Auto Scaling target tracking cooldowns). */
    scaleOutCooldownSeconds: 60,
    scaleInCooldownSeconds: 300,
} as const;

/**
 * Regions available before August 2022, where ELB delivers access logs from a regional ELB account
 * (`aws.elb.getServiceAccount`). Every other Region authorizes the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service principal only, and getServiceAccount
 * fails there. Source: AWS ELB guide, "Enable access logs for your Application Load Balancer",
 * step 2 (22 commercial Regions, Asia Pacific (Jakarta) ap-southeast-3 included), the GovCloud
 * and China guides for the other four; the same table as the AWS provider's
 * `aws_elb_service_account` (internal/service/elb/service_account_data_source.go). Regions opened
 * later (me-central-1, il-central-1, ap-southeast-4, ...) are absent on purpose.
 */
export const ELB_ACCOUNT_REGIONS: readonly string[] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-north-1",
    "me-south-1",
    "sa-east-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
];

/** The ELB log-delivery service principal (Regions opened since August 2022, and accepted everywhere). */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Environment variables the component sets in every container. */
export const RESERVED_ENVIRONMENT = ["SERVICE_NAME", "APP_KMS_KEY_ARN"] as const;

/**
 * The ELB security policies the listener may use: TLS 1.3 with TLS 1.2 as the floor (the -1-2-,
 * -1-2-Res- and -1-3- variants, FIPS and post-quantum included). `ELBSecurityPolicy-TLS13-1-0-*`
 * and `-1-1-*` carry the TLS13 prefix but still accept TLS 1.0/1.1, so a prefix check is not
 * enough. The policy pack's `lb-listener-tls-policy` default allow-list is the same (a test keeps
 * the two equal; the pack cannot import program code, since it is published on its own).
 */
export const ALB_TLS_POLICIES: readonly string[] = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];
const HOST_PATTERN = /^[A-Za-z0-9*?.-]{1,128}$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&]{0,127}$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USER = /^([a-z_][a-z0-9_-]*|\d+)(:([a-z_][a-z0-9_-]*|\d+))?$/;
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].flatMap((c) => parseCidr(c) ?? []);

/** Access-log settings with defaults merged field by field (`??`, so an explicit undefined keeps the default). */
function accessLogSettings(a: AlbAccessLogArgs | undefined): Required<AlbAccessLogArgs> {
    const d = INTERNAL_ALB_SERVICE_DEFAULTS.accessLogs;
    return {
        prefix: a?.prefix ?? d.prefix,
        expirationDays: a?.expirationDays ?? d.expirationDays,
        noncurrentVersionExpirationDays: a?.noncurrentVersionExpirationDays ?? d.noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays: a?.abortIncompleteMultipartUploadDays ?? d.abortIncompleteMultipartUploadDays,
    };
}

/** Health-check settings with defaults merged field by field. */
function healthCheckSettings(h: ServiceHealthCheckArgs | undefined): Required<ServiceHealthCheckArgs> {
    const d = INTERNAL_ALB_SERVICE_DEFAULTS.service.healthCheck;
    return {
        path: h?.path ?? d.path,
        matcher: h?.matcher ?? d.matcher,
        intervalSeconds: h?.intervalSeconds ?? d.intervalSeconds,
        timeoutSeconds: h?.timeoutSeconds ?? d.timeoutSeconds,
        healthyThreshold: h?.healthyThreshold ?? d.healthyThreshold,
        unhealthyThreshold: h?.unhealthyThreshold ?? d.unhealthyThreshold,
    };
}

const isInt = (n: number) => Number.isInteger(n);

/** True when every code and range bound of a matcher (`200`, `200,204`, `200-299`) is within min-max and each range ascends. */
function matcherCodesWithin(matcher: string, min: number, max: number): boolean {
    return matcher.split(",").every((part) => {
        const [from, to = from] = part.split("-").map(Number);
        return from >= min && to <= max && from <= to;
    });
}
const within = (n: number, min: number, max: number) => isInt(n) && n >= min && n <= max;

function isPrivateCidr(text: string): boolean {
    const cidr = parseCidr(text);
    if (!cidr) {
        return false;
    }
    return PRIVATE_RANGES.some((range) => cidr.prefix >= range.prefix && Math.floor(cidr.base / 2 ** (32 - range.prefix)) === Math.floor(range.base / 2 ** (32 - range.prefix)));
}

/** True for `*` and whole-service wildcards such as `s3:*` (IAM action names are case-insensitive). */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/**
 * Validates InternalAlbService arguments against ALB, ECS and Fargate rules. Pure; collects every
 * problem. Only plain values are checked (ids, ARNs and images may be Outputs).
 */
/**
 * The declared statements, or a ValidationError (failing the deployment before the role policy is
 * written) when one allows a wildcard action.
 */
function checkedStatements(declared: PolicyStatement[], name: string, serviceIndex: number): PolicyStatement[] {
    const problems = new Problems();
    wildcardActionProblems(problems, declared, (j) => `InternalAlbServiceArgs.services[${serviceIndex}].policyStatements[${j}].Action`);
    problems.throwIfAny(`InternalAlbService ${name}`);
    return declared;
}

/** Records a problem for each task-role statement that allows a wildcard action (least privilege). */
function wildcardActionProblems(problems: Problems, statements: readonly unknown[], key: (index: number) => string): void {
    statements.forEach((st, j) => {
        const statement = st as Partial<PolicyStatement>;
        if (statement && statement.Effect === "Allow" && Array.isArray(statement.Action)) {
            const wild = statement.Action.filter((a): a is string => typeof a === "string" && isWildcardAction(a));
            problems.check(wild.length === 0, key(j), wild, "must not grant wildcard actions (least privilege)", "list the exact actions the service calls");
        }
    });
}

export function validateInternalAlbServiceArgs(name: string, args: InternalAlbServiceArgs): Problems {
    const problems = new Problems();
    const k = (field: string) => `InternalAlbServiceArgs.${field}`;
    const d = INTERNAL_ALB_SERVICE_DEFAULTS;

    problems.check(
        DNS_LABEL.test(name),
        "InternalAlbService name",
        name,
        "must be DNS-safe (lowercase letters, digits, hyphens; starts with a letter): it prefixes the ALB, target group and bucket names",
        "rename the component, e.g. app",
    );
    const albName = loadBalancerLogicalName(name);
    problems.check(
        albName.length <= maxLogicalNameLength(LB_NAME_MAX),
        "InternalAlbService name",
        name,
        `gives load balancer "${albName}", which autonaming extends to ${albName.length + 8} characters; load balancer names are limited to ${LB_NAME_MAX}`,
        `shorten the component name to ${maxLogicalNameLength(LB_NAME_MAX) - "-alb".length} characters or fewer`,
    );
    problems.check(/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(args.region), k("region"), args.region, "must be an AWS Region code such as eu-west-1", "pass the stack's aws:region");
    problems.check(
        isInt(args.availabilityZoneCount) && args.availabilityZoneCount >= 2,
        k("availabilityZoneCount"),
        args.availabilityZoneCount,
        "must be >= 2: an Application Load Balancer needs subnets in at least two Availability Zones",
        "spread the private subnets over 2 or more AZs",
    );

    const zone = args.publicZoneName.replace(/\.$/, "");
    problems.check(isDomainName(zone), k("publicZoneName"), args.publicZoneName, "must be a domain name such as example.com", "pass the public hosted zone's name");
    const bareDomain = args.certificateDomain.startsWith("*.") ? args.certificateDomain.slice(2) : args.certificateDomain;
    // Zone membership is only checked for a well-formed name.
    if (
        problems.check(
            isDomainName(bareDomain),
            k("certificateDomain"),
            args.certificateDomain,
            "must be a lowercase domain name, optionally starting with *.",
            "use e.g. *.internal.example.com",
        )
    ) {
        problems.check(
            isWithinZone(args.certificateDomain, zone),
            k("certificateDomain"),
            args.certificateDomain,
            `must be within the public zone ${zone}: its DNS validation record is created there`,
            `use a name under ${zone}, e.g. *.internal.${zone}`,
        );
    }

    const tlsPolicy = args.tlsPolicy ?? d.tlsPolicy;
    problems.check(
        ALB_TLS_POLICIES.includes(tlsPolicy),
        k("tlsPolicy"),
        tlsPolicy,
        "must be a TLS 1.3 ELB security policy with TLS 1.2 as the minimum (ELBSecurityPolicy-TLS13-1-2-*, -1-2-Res-*, -1-3-*); older policies, and TLS13-1-0/1-1, accept TLS 1.0/1.1 or legacy ciphers",
        `use ${d.tlsPolicy}`,
    );
    const desync = args.desyncMitigationMode ?? d.desyncMitigationMode;
    problems.check(
        desync === "defensive" || desync === "strictest",
        k("desyncMitigationMode"),
        desync,
        "must be defensive or strictest (monitor lets desync attacks through)",
        "use defensive (or strictest)",
    );
    const idle = args.idleTimeoutSeconds ?? d.idleTimeoutSeconds;
    problems.check(within(idle, 1, 4000), k("idleTimeoutSeconds"), idle, "must be an integer from 1 to 4000 seconds", "use 60");

    (args.extraIngressCidrs ?? []).forEach((cidr, i) => {
        const key = `${k("extraIngressCidrs")}[${i}]`;
        if (cidr === "0.0.0.0/0" || cidr === "::/0") {
            problems.add(
                key,
                cidr,
                "must not be open to the world: the ALB is internal and takes traffic only from the client group and private ranges",
                "remove it; callers in the VPC use the client security group",
            );
        } else if (cidr.includes(":")) {
            problems.add(key, cidr, "must be an IPv4 CIDR: the ALB is IPv4-only", "use the private IPv4 range of the callers");
        } else {
            problems.check(
                isPrivateCidr(cidr),
                key,
                cidr,
                "must be a private IPv4 CIDR (within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10) without host bits",
                "use the private range of the callers, e.g. 10.20.0.0/16",
            );
        }
    });

    const logs = accessLogSettings(args.accessLogs);
    problems.check(
        /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(logs.prefix) && !logs.prefix.includes("AWSLogs"),
        k("accessLogs.prefix"),
        logs.prefix,
        "must be an S3 key prefix without leading or trailing / and without AWSLogs (ELB appends /AWSLogs/<account>/...)",
        "use e.g. alb",
    );
    problems.check(within(logs.expirationDays, 1, 36500), k("accessLogs.expirationDays"), logs.expirationDays, "must be an integer number of days >= 1", "use e.g. 90");
    problems.check(
        within(logs.noncurrentVersionExpirationDays, 1, 36500),
        k("accessLogs.noncurrentVersionExpirationDays"),
        logs.noncurrentVersionExpirationDays,
        "must be an integer number of days >= 1",
        "use e.g. 30",
    );
    problems.check(
        within(logs.abortIncompleteMultipartUploadDays, 1, 36500),
        k("accessLogs.abortIncompleteMultipartUploadDays"),
        logs.abortIncompleteMultipartUploadDays,
        "must be an integer number of days >= 1",
        "use e.g. 7",
    );

    const retention = args.logRetentionDays ?? d.logRetentionDays;
    problems.check(
        (LIMITS.logRetentionDays as readonly number[]).includes(retention),
        k("logRetentionDays"),
        retention,
        `must be a CloudWatch Logs retention value (${LIMITS.logRetentionDays.join(", ")})`,
        "pass the platform's logRetentionDays",
    );

    // Services.
    const services = args.services;
    problems.check(services.length >= 1, k("services"), services.length, "must list at least one service", "add a service");
    problems.check(
        services.length <= LIMITS.albMaxRules,
        k("services"),
        `${services.length} services`,
        `an ALB listener allows at most ${LIMITS.albMaxRules} rules (one per service)`,
        "split the services over several InternalAlbService components",
    );
    const seenNames = new Map<string, number>();
    const seenPriorities = new Map<number, number>();
    services.forEach((svc, i) => {
        const sk = (field: string) => k(`services[${i}].${field}`);
        const s = d.service;

        if (
            problems.check(
                DNS_LABEL.test(svc.name),
                sk("name"),
                svc.name,
                "must be DNS-safe: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
                "rename the service, e.g. orders-api",
            )
        ) {
            const tgName = targetGroupLogicalName(name, svc.name);
            problems.check(
                tgName.length <= maxLogicalNameLength(LB_NAME_MAX),
                sk("name"),
                svc.name,
                `gives target group "${tgName}", which autonaming extends to ${tgName.length + 8} characters; target group names are limited to ${LB_NAME_MAX}`,
                `shorten the service name to ${maxLogicalNameLength(LB_NAME_MAX) - name.length - 1} characters or fewer`,
            );
        }
        const firstName = seenNames.get(svc.name);
        if (firstName !== undefined) {
            problems.add(sk("name"), svc.name, `must be unique; services[${firstName}] has the same name`, "rename one of the services");
        } else {
            seenNames.set(svc.name, i);
        }

        problems.check(within(svc.port, 1, 65535), sk("port"), svc.port, "must be a TCP port 1-65535", "use the port the container listens on");
        const memories = LIMITS.fargate[svc.cpu];
        if (memories === undefined) {
            problems.add(sk("cpu"), svc.cpu, `must be a Fargate CPU value: ${Object.keys(LIMITS.fargate).join(", ")}`, "pick a supported CPU size");
        } else {
            problems.check(
                memories.includes(svc.memory),
                sk("memory"),
                svc.memory,
                `is not a valid Fargate pair with cpu ${svc.cpu}; allowed: ${memories.join(", ")} MiB`,
                "pick a memory size listed for this CPU",
            );
        }

        // Listener rule: priority and conditions.
        if (
            problems.check(
                within(svc.priority, 1, LIMITS.albMaxPriority),
                sk("priority"),
                svc.priority,
                `must be an integer from 1 to ${LIMITS.albMaxPriority} (ALB listener rule priority)`,
                "give every service a distinct priority; leave gaps (10, 20, 30) for later services",
            )
        ) {
            const first = seenPriorities.get(svc.priority);
            if (first !== undefined) {
                problems.add(
                    sk("priority"),
                    svc.priority,
                    `must be unique; services[${first}] (${services[first].name}) has the same priority`,
                    "give each service its own priority",
                );
            } else {
                seenPriorities.set(svc.priority, i);
            }
        }
        const hosts = svc.hostPatterns ?? [];
        const paths = svc.pathPatterns ?? [];
        problems.check(
            hosts.length + paths.length >= 1,
            k(`services[${i}]`),
            svc.name,
            "needs at least one host or path pattern for its listener rule",
            "add hostPatterns and/or pathPatterns",
        );
        checkAlbRuleLimits(problems, hosts, paths, { rule: k(`services[${i}]`), hostPatterns: sk("hostPatterns"), pathPatterns: sk("pathPatterns") });
        hosts.forEach((h, j) =>
            problems.check(HOST_PATTERN.test(h), sk(`hostPatterns[${j}]`), h, "must be a host pattern of up to 128 characters (letters, digits, . - * ?)", "correct the pattern"),
        );
        paths.forEach((p, j) =>
            problems.check(PATH_PATTERN.test(p), sk(`pathPatterns[${j}]`), p, "must start with / and use ALB path pattern characters (max 128)", "correct the pattern"),
        );

        // Target group.
        const hc = healthCheckSettings(svc.healthCheck);
        problems.check(
            HEALTH_PATH.test(hc.path) && hc.path.length <= 1024,
            sk("healthCheck.path"),
            hc.path,
            "must be an absolute URL path starting with / (max 1024)",
            "use e.g. /health",
        );
        problems.check(
            MATCHER.test(hc.matcher) && matcherCodesWithin(hc.matcher, 200, 499),
            sk("healthCheck.matcher"),
            hc.matcher,
            "must be HTTP codes from 200 to 499 such as 200, 200,204 or 200-299 (an ALB target group accepts 200-499), each range ascending",
            "use 200",
        );
        problems.check(within(hc.intervalSeconds, 5, 300), sk("healthCheck.intervalSeconds"), hc.intervalSeconds, "must be an integer from 5 to 300 seconds", "use 15");
        problems.check(
            within(hc.timeoutSeconds, 2, 120) && hc.timeoutSeconds < hc.intervalSeconds,
            sk("healthCheck.timeoutSeconds"),
            hc.timeoutSeconds,
            `must be an integer from 2 to 120 seconds and less than the interval (${hc.intervalSeconds})`,
            "use 5",
        );
        problems.check(within(hc.healthyThreshold, 2, 10), sk("healthCheck.healthyThreshold"), hc.healthyThreshold, "must be an integer from 2 to 10", "use 2");
        problems.check(within(hc.unhealthyThreshold, 2, 10), sk("healthCheck.unhealthyThreshold"), hc.unhealthyThreshold, "must be an integer from 2 to 10", "use 3");
        const protocol = svc.targetProtocol ?? s.targetProtocol;
        problems.check(protocol === "HTTP" || protocol === "HTTPS", sk("targetProtocol"), protocol, "must be HTTP or HTTPS", "use HTTP unless the container serves TLS");
        const dereg = svc.deregistrationDelaySeconds ?? s.deregistrationDelaySeconds;
        problems.check(within(dereg, 0, 3600), sk("deregistrationDelaySeconds"), dereg, "must be an integer from 0 to 3600 seconds", "use 30");
        const grace = svc.healthCheckGracePeriodSeconds ?? s.healthCheckGracePeriodSeconds;
        problems.check(within(grace, 0, 2_147_483_647), sk("healthCheckGracePeriodSeconds"), grace, "must be a non-negative integer number of seconds", "use 60");

        // Scaling.
        const min = svc.minCount ?? s.minCount;
        const max = svc.maxCount ?? s.maxCount;
        problems.check(
            isInt(min) && min >= 1,
            sk("minCount"),
            min,
            "must be an integer >= 1 (a service behind a listener rule needs a task; backlog per task divides by the running count)",
            "use 2 to run one task per AZ",
        );
        problems.check(isInt(max) && max >= 1, sk("maxCount"), max, "must be an integer >= 1", "raise maxCount");
        problems.check(min <= max, sk("minCount"), min, `must not exceed maxCount (${max})`, "raise maxCount or lower minCount");
        const cpuTarget = svc.cpuTargetPercent ?? s.cpuTargetPercent;
        problems.check(cpuTarget > 0 && cpuTarget <= 100, sk("cpuTargetPercent"), cpuTarget, "must be a percentage above 0 and at most 100", "use 60");
        const memoryTarget = svc.memoryTargetPercent ?? s.memoryTargetPercent;
        problems.check(memoryTarget > 0 && memoryTarget <= 100, sk("memoryTargetPercent"), memoryTarget, "must be a percentage above 0 and at most 100", "use 70");
        const requests = svc.requestsPerTarget ?? s.requestsPerTarget;
        problems.check(requests >= 1, sk("requestsPerTarget"), requests, "must be >= 1 request per target per minute", "use a load-tested value, e.g. 1000");
        if (svc.queueScaling) {
            problems.check(
                svc.queueScaling.backlogPerTask > 0,
                sk("queueScaling.backlogPerTask"),
                svc.queueScaling.backlogPerTask,
                "must be > 0 messages per task",
                "use acceptable latency / average processing time per message",
            );
        }

        // Container.
        if (svc.user !== undefined) {
            problems.check(
                USER.test(svc.user) && !/^(root|0)(:|$)/.test(svc.user),
                sk("user"),
                svc.user,
                "must be a non-root user: uid, uid:gid, name or name:group, never root or 0",
                "use the image's unprivileged user, e.g. 1000:1000",
            );
        }
        const envNames = Object.keys(svc.environment ?? {});
        const secretNames = Object.keys(svc.secrets ?? {});
        for (const envName of envNames) {
            problems.check(
                ENV_NAME.test(envName),
                sk(`environment.${envName}`),
                envName,
                "must be an environment variable name (letters, digits, _; not starting with a digit)",
                "rename the variable",
            );
        }
        for (const secretName of secretNames) {
            problems.check(
                ENV_NAME.test(secretName),
                sk(`secrets.${secretName}`),
                secretName,
                "must be an environment variable name (letters, digits, _; not starting with a digit)",
                "rename the variable",
            );
            problems.check(
                !envNames.includes(secretName),
                sk(`secrets.${secretName}`),
                secretName,
                "is also a plain environment variable; a name can be set once",
                "remove it from environment or from secrets",
            );
            const arn = svc.secrets?.[secretName];
            if (typeof arn === "string") {
                problems.check(
                    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+(:.*)?$/.test(arn),
                    sk(`secrets.${secretName}`),
                    arn,
                    "must be a Secrets Manager secret ARN",
                    "copy the ARN from Secrets Manager or from the component that owns the secret",
                );
            }
        }
        for (const reserved of RESERVED_ENVIRONMENT) {
            problems.check(
                !envNames.includes(reserved) && !secretNames.includes(reserved),
                sk(`environment.${reserved}`),
                reserved,
                "is set by the component (service name and envelope-encryption key)",
                "remove it",
            );
        }

        // Task role statements, when they are plain data: no wildcard actions (least privilege).
        // Statements given as an Output are checked when they resolve (see the task role below).
        const statements = svc.policyStatements;
        if (Array.isArray(statements)) {
            wildcardActionProblems(problems, statements, (j) => sk(`policyStatements[${j}].Action`));
        }

        (svc.connectsTo ?? []).forEach((c, j) => {
            problems.check(within(c.port, 1, 65535), sk(`connectsTo[${j}].port`), c.port, "must be a TCP port 1-65535", "use the dependency's port");
            problems.check(
                c.description.trim().length > 0 && c.description.length <= 255,
                sk(`connectsTo[${j}].description`),
                c.description,
                "must be 1-255 characters",
                "describe the connection, e.g. orders -> database",
            );
        });
    });

    return problems;
}

/** One service's outputs. */
export interface InternalAlbServiceOutputs {
    /** ECS service name (the `ServiceName` CloudWatch dimension). */
    readonly serviceName: pulumi.Output<string>;
    readonly targetGroupArn: pulumi.Output<string>;
    /** The service's task security group (source of its ingress rules on dependencies). */
    readonly securityGroupId: pulumi.Output<string>;
    /** Task role: principal for resource policies that must name the service (queues, keys). */
    readonly taskRoleArn: pulumi.Output<string>;
    readonly taskRoleName: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
}

/** ECR repository ARN of an image reference, or undefined for images outside ECR (private registries). */
export function ecrRepositoryArn(image: string): string | undefined {
    const m = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._\-/]+?)(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.exec(image);
    if (!m) {
        return undefined;
    }
    const [, account, , region, cn, repository] = m;
    const partition = cn ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/** The secret ARN an ECS `valueFrom` refers to (drops a `:json-key:version-stage:version-id` suffix). */
export function secretArnOf(valueFrom: string): string {
    return valueFrom.split(":").slice(0, 7).join(":");
}

export class InternalAlbService extends pulumi.ComponentResource {
    public readonly albArn: pulumi.Output<string>;
    /** `app/<name>/<id>`: the CloudWatch dimension and scaling resource label part of the ALB. */
    public readonly albArnSuffix: pulumi.Output<string>;
    /** ARN of the HTTPS (443) listener. */
    public readonly listenerArn: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly albSecurityGroupId: pulumi.Output<string>;
    /** Group to attach to callers of the ALB (the API's VPC link): its only rule is egress 443 to the ALB. */
    public readonly clientSecurityGroupId: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly services: Record<string, InternalAlbServiceOutputs>;

    constructor(name: string, args: InternalAlbServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:app:InternalAlbService", name, {}, opts);
        validateInternalAlbServiceArgs(name, args).throwIfAny(`InternalAlbService ${name}`);

        const d = INTERNAL_ALB_SERVICE_DEFAULTS;
        const region = args.region;
        const logs = accessLogSettings(args.accessLogs);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        // ---------------------------------------------------------------------------------------
        // Access-log bucket: private, versioned, SSE-S3 (the only encryption ELB log delivery
        // supports), objects owned by the bucket (ACLs off), lifecycle-managed, TLS only.
        // ---------------------------------------------------------------------------------------
        const protectLogs = args.protectAccessLogs ?? INTERNAL_ALB_SERVICE_DEFAULTS.protectAccessLogs;
        const bucket = new aws.s3.Bucket(`${name}-alb-logs`, { forceDestroy: false }, { parent: this, protect: protectLogs, retainOnDelete: protectLogs });
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-alb-logs-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-alb-logs-pab`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-alb-logs-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-alb-logs-sse`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-alb-logs-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: logs.expirationDays },
                        noncurrentVersionExpiration: { noncurrentDays: logs.noncurrentVersionExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: logs.abortIncompleteMultipartUploadDays },
                    },
                ],
            },
            // S3 rejects noncurrent-version rules racing the versioning change.
            { parent: this, dependsOn: [versioning] },
        );

        // ELB writes as its regional account in Regions opened before August 2022 and as the log
        // delivery service principal elsewhere. Like terraform-aws-modules/s3-bucket, grant the
        // service principal everywhere and the regional account where one exists; the Region is a
        // plain value, so the invoke only runs where it can answer.
        const logObjects = pulumi.interpolate`${bucket.arn}/${logs.prefix}/AWSLogs/${account}/*`;
        const elbAccountArn = ELB_ACCOUNT_REGIONS.includes(region) ? aws.elb.getServiceAccountOutput({ region }, { parent: this }).arn : undefined;
        const bucketStatements: pulumi.Output<PolicyStatement[]> = pulumi.all([bucket.arn, logObjects, elbAccountArn]).apply(([bucketArn, objects, elbArn]): PolicyStatement[] => {
            const delivery = (sid: string, principal: Record<string, string>): PolicyStatement => ({
                Sid: sid,
                Effect: "Allow",
                Principal: principal,
                Action: ["s3:PutObject"],
                Resource: [objects],
            });
            return [
                ...(elbArn !== undefined ? [delivery("AllowElbAccountLogDelivery", { AWS: elbArn })] : []),
                delivery("AllowElbServiceLogDelivery", { Service: ELB_LOG_DELIVERY_PRINCIPAL }),
                // The one wildcard of the component, in a Deny: enumerating actions would leave
                // any unlisted S3 action reachable over plain HTTP. It grants nothing.
                denyInsecureTransport(["s3:*"], [bucketArn, `${bucketArn}/*`]),
            ];
        });
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-alb-logs-policy`,
            { bucket: bucket.id, policy: policyJson(bucketStatements) },
            // A policy written while the public access block is being applied fails with a
            // conflicting-operation error.
            { parent: this, dependsOn: [publicAccessBlock, ownership] },
        );

        // ---------------------------------------------------------------------------------------
        // Security groups: no inline rules (every rule below is its own resource).
        // ---------------------------------------------------------------------------------------
        const albSg = new aws.ec2.SecurityGroup(
            `${name}-alb-sg`,
            { vpcId: args.vpcId, description: `Internal ALB ${name}: 443 from the client group only; egress to its services only`, revokeRulesOnDelete: true },
            { parent: this },
        );
        const clientSg = new aws.ec2.SecurityGroup(
            `${name}-client-sg`,
            { vpcId: args.vpcId, description: `Clients of internal ALB ${name} (API VPC link): egress 443 to the ALB only`, revokeRulesOnDelete: true },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-client-to-alb`,
            { securityGroupId: clientSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: albSg.id, description: "HTTPS to the internal ALB" },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-alb-from-client`,
            {
                securityGroupId: albSg.id,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                referencedSecurityGroupId: clientSg.id,
                description: "HTTPS from the client group (API VPC link)",
            },
            { parent: this },
        );
        for (const cidr of args.extraIngressCidrs ?? []) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-alb-from-${cidr.replace(/[./]/g, "-")}`,
                { securityGroupId: albSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr, description: `HTTPS from private range ${cidr}` },
                { parent: this },
            );
        }

        // ---------------------------------------------------------------------------------------
        // Certificate (DNS-validated in the public zone), ALB and listeners.
        // ---------------------------------------------------------------------------------------
        const certificate = new aws.acm.Certificate(`${name}-cert`, { domainName: args.certificateDomain, validationMethod: "DNS" }, { parent: this });
        const option = certificate.domainValidationOptions.apply((options) => options[0]);
        const validationRecord = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: args.publicZoneId,
                name: option.apply((o) => o.resourceRecordName ?? ""),
                type: option.apply((o) => o.resourceRecordType ?? "CNAME"),
                records: [option.apply((o) => o.resourceRecordValue ?? "")],
                ttl: 300,
                // ACM reuses one validation record per name; a second certificate for the same
                // name (e.g. during a replacement) must not fail on an existing record.
                allowOverwrite: true,
            },
            { parent: this },
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert-validation`,
            { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
            { parent: this },
        );

        const alb = new aws.lb.LoadBalancer(
            loadBalancerLogicalName(name),
            {
                loadBalancerType: "application",
                internal: true,
                ipAddressType: "ipv4",
                subnets: args.privateSubnetIds,
                securityGroups: [albSg.id],
                enableDeletionProtection: args.deletionProtection ?? d.deletionProtection,
                dropInvalidHeaderFields: true,
                desyncMitigationMode: args.desyncMitigationMode ?? d.desyncMitigationMode,
                idleTimeout: args.idleTimeoutSeconds ?? d.idleTimeoutSeconds,
                enableHttp2: true,
                enableWafFailOpen: false,
                xffHeaderProcessingMode: "append",
                accessLogs: { bucket: bucket.id, prefix: logs.prefix, enabled: true },
            },
            // ELB test-writes to the bucket when logging is turned on: the policy must exist first.
            { parent: this, dependsOn: [bucketPolicy, encryption] },
        );

        const httpsListener = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: args.tlsPolicy ?? d.tlsPolicy,
                certificateArn: validation.certificateArn,
                // Unmatched hosts and paths never reach a service.
                defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } }],
            },
            { parent: this },
        );
        new aws.lb.Listener(
            `${name}-http-redirect`,
            {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
            },
            { parent: this },
        );

        // ---------------------------------------------------------------------------------------
        // Cluster and services.
        // ---------------------------------------------------------------------------------------
        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            { settings: [{ name: "containerInsights", value: args.containerInsights ?? d.containerInsights }] },
            { parent: this },
        );

        // Confused-deputy guard on the task roles (AWS ECS guide, "Task IAM role"): only tasks of
        // this account and Region may assume them. Execution roles keep the plain service trust,
        // as terraform-aws-modules/ecs does: AWS documents no source condition for the execution
        // role, and a condition ECS does not send would stop every task from starting.
        const taskTrust = pulumi.all([account, partition]).apply(([acct, part]) =>
            assumeRolePolicy("ecs-tasks.amazonaws.com", {
                StringEquals: { "aws:SourceAccount": acct },
                ArnLike: { "aws:SourceArn": `arn:${part}:ecs:${region}:${acct}:*` },
            }),
        );

        const services: Record<string, InternalAlbServiceOutputs> = {};
        for (const svc of args.services) {
            services[svc.name] = this.createService(name, svc, args, { alb, albSg, httpsListener, cluster, taskTrust });
        }

        this.albArn = alb.arn;
        this.albArnSuffix = alb.arnSuffix;
        this.listenerArn = httpsListener.arn;
        this.dnsName = alb.dnsName;
        this.zoneId = alb.zoneId;
        this.albSecurityGroupId = albSg.id;
        this.clientSecurityGroupId = clientSg.id;
        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.services = services;
        this.registerOutputs({
            albArn: this.albArn,
            albArnSuffix: this.albArnSuffix,
            listenerArn: this.listenerArn,
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            albSecurityGroupId: this.albSecurityGroupId,
            clientSecurityGroupId: this.clientSecurityGroupId,
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            services: this.services,
        });
    }

    private createService(
        name: string,
        svc: AlbServiceArgs,
        args: InternalAlbServiceArgs,
        shared: {
            readonly alb: aws.lb.LoadBalancer;
            readonly albSg: aws.ec2.SecurityGroup;
            readonly httpsListener: aws.lb.Listener;
            readonly cluster: aws.ecs.Cluster;
            readonly taskTrust: pulumi.Output<string>;
        },
    ): InternalAlbServiceOutputs {
        const d = INTERNAL_ALB_SERVICE_DEFAULTS;
        const s = d.service;
        const region = args.region;
        const prefix = `${name}-${svc.name}`;
        const readonlyRoot = svc.readonlyRootFilesystem ?? s.readonlyRootFilesystem;
        const protocol = svc.targetProtocol ?? s.targetProtocol;
        const hc = healthCheckSettings(svc.healthCheck);
        const minCount = svc.minCount ?? s.minCount;
        const opts = { parent: this };

        // Security group: ingress only from the ALB on the service's port.
        const sg = new aws.ec2.SecurityGroup(
            `${prefix}-sg`,
            { vpcId: args.vpcId, description: `Service ${svc.name} of ${name}: ingress from the ALB only`, revokeRulesOnDelete: true },
            opts,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${prefix}-from-alb`,
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: svc.port,
                toPort: svc.port,
                referencedSecurityGroupId: shared.albSg.id,
                description: `Traffic and health checks from ALB ${name}`,
            },
            opts,
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-alb-to-${svc.name}`,
            { securityGroupId: shared.albSg.id, ipProtocol: "tcp", fromPort: svc.port, toPort: svc.port, referencedSecurityGroupId: sg.id, description: `To service ${svc.name}` },
            opts,
        );
        // Documented exception to "egress scoped" (README, "Internal ALB: routing and egress"):
        // AWS APIs (ECR, CloudWatch Logs, Secrets Manager, STS, SQS, KMS) are reached through the
        // NAT gateways: the network has gateway endpoints (S3, DynamoDB) only, so their public
        // endpoints' addresses are not a fixed set a rule could name. Interface VPC endpoints
        // (a group this rule could reference instead) are out of scope. So: TCP 443 only, no other
        // port or protocol to the internet; DNS needs no rule (security groups do not filter the
        // VPC resolver). Tests assert exactly this egress set.
        new aws.vpc.SecurityGroupEgressRule(
            `${prefix}-to-aws-apis`,
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
                description: "HTTPS to AWS APIs (ECR, Logs, Secrets Manager, STS, SQS, KMS) through NAT",
            },
            opts,
        );
        (svc.connectsTo ?? []).forEach((c, j) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${prefix}-dep-${j}-ingress`,
                { securityGroupId: c.securityGroupId, ipProtocol: "tcp", fromPort: c.port, toPort: c.port, referencedSecurityGroupId: sg.id, description: c.description },
                opts,
            );
            new aws.vpc.SecurityGroupEgressRule(
                `${prefix}-dep-${j}-egress`,
                { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: c.port, toPort: c.port, referencedSecurityGroupId: c.securityGroupId, description: c.description },
                opts,
            );
        });

        const logGroup = new aws.cloudwatch.LogGroup(`${prefix}-logs`, { retentionInDays: args.logRetentionDays ?? d.logRetentionDays, kmsKeyId: args.logsKeyArn }, opts);

        // Execution role: what ECS needs to start the task (pull, log, inject secrets), nothing else.
        const secretEntries = Object.entries(svc.secrets ?? {}).sort(([a], [b]) => a.localeCompare(b));
        const executionRole = new aws.iam.Role(
            `${prefix}-exec-role`,
            { assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"), description: `ECS execution role of ${svc.name} (${name})` },
            opts,
        );
        const executionStatements = pulumi
            .all([pulumi.output(svc.image), logGroup.arn, pulumi.output(secretEntries.map(([, arn]) => arn)), args.secretsKeyArn])
            .apply(([image, logGroupArn, secretArns, secretsKeyArn]): PolicyStatement[] => {
                const repository = ecrRepositoryArn(image);
                const statements: PolicyStatement[] = [];
                if (repository !== undefined) {
                    // GetAuthorizationToken has no resource type: IAM only accepts "*" for it.
                    statements.push({ Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] });
                    statements.push({
                        Sid: "EcrPull",
                        Effect: "Allow",
                        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        Resource: [repository],
                    });
                }
                statements.push({ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:log-stream:*`] });
                if (secretArns.length > 0) {
                    statements.push({ Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...new Set(secretArns.map(secretArnOf))] });
                    if (secretsKeyArn !== undefined) {
                        statements.push({
                            Sid: "SecretsDecrypt",
                            Effect: "Allow",
                            Action: ["kms:Decrypt"],
                            Resource: [secretsKeyArn],
                            Condition: { StringEquals: { "kms:ViaService": kmsViaService("secretsmanager", region) } },
                        });
                    }
                }
                return statements;
            });
        new aws.iam.RolePolicy(`${prefix}-exec-policy`, { role: executionRole.id, policy: policyJson(executionStatements) }, opts);

        // Task role: exactly the declared grants plus envelope encryption under the service's context.
        const taskRole = new aws.iam.Role(`${prefix}-task-role`, { assumeRolePolicy: shared.taskTrust, description: `ECS task role of ${svc.name} (${name})` }, opts);
        const serviceIndex = args.services.indexOf(svc);
        const taskStatements = pulumi.all([pulumi.output(svc.policyStatements ?? []), args.appKeyArn]).apply(([declared, appKeyArn]): PolicyStatement[] => [
            // Statements that were an Output at validation time get the same check once known.
            ...checkedStatements(declared, name, serviceIndex),
            {
                Sid: "EnvelopeEncryption",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: [appKeyArn],
                Condition: { StringEquals: { [`kms:EncryptionContext:${APP_KEY_CONTEXT_KEY}`]: svc.name } },
            },
        ]);
        new aws.iam.RolePolicy(`${prefix}-task-policy`, { role: taskRole.id, policy: policyJson(taskStatements) }, opts);

        // Task definition.
        const environment = { ...(svc.environment ?? {}), SERVICE_NAME: svc.name, APP_KMS_KEY_ARN: args.appKeyArn };
        const containerDefinitions = pulumi
            .all([
                pulumi.output(svc.image),
                logGroup.name,
                pulumi.output(Object.entries(environment).map(([k, v]) => pulumi.output(v).apply((value) => ({ name: k, value })))),
                pulumi.output(secretEntries.map(([k, v]) => pulumi.output(v).apply((valueFrom) => ({ name: k, valueFrom })))),
            ])
            .apply(([image, logGroupName, env, secrets]) =>
                JSON.stringify([
                    {
                        name: svc.name,
                        image,
                        essential: true,
                        portMappings: [{ containerPort: svc.port, protocol: "tcp" }],
                        readonlyRootFilesystem: readonlyRoot,
                        ...(svc.user !== undefined ? { user: svc.user } : {}),
                        // An init process reaps zombies and forwards SIGTERM, so tasks drain cleanly.
                        linuxParameters: { initProcessEnabled: true },
                        environment: [...env].sort((a, b) => a.name.localeCompare(b.name)),
                        secrets,
                        mountPoints: readonlyRoot ? [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }] : [],
                        logConfiguration: {
                            logDriver: "awslogs",
                            options: {
                                "awslogs-group": logGroupName,
                                "awslogs-region": region,
                                "awslogs-stream-prefix": svc.name,
                                // A slow log pipeline must not block the application.
                                mode: "non-blocking",
                                "max-buffer-size": "25m",
                            },
                        },
                    },
                ]),
            );
        const family = `${pulumi.getProject()}-${pulumi.getStack()}-${prefix}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
        const taskDefinition = new aws.ecs.TaskDefinition(
            `${prefix}-task`,
            {
                family,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(svc.cpu),
                memory: String(svc.memory),
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: svc.cpuArchitecture ?? s.cpuArchitecture },
                executionRoleArn: executionRole.arn,
                taskRoleArn: taskRole.arn,
                containerDefinitions,
                // Task-local scratch space on Fargate ephemeral storage for the read-only root.
                volumes: readonlyRoot ? [{ name: "tmp" }] : [],
            },
            opts,
        );

        // Target group and listener rule.
        const targetGroup = new aws.lb.TargetGroup(
            targetGroupLogicalName(name, svc.name),
            {
                vpcId: args.vpcId,
                targetType: "ip",
                port: svc.port,
                protocol,
                protocolVersion: "HTTP1",
                deregistrationDelay: svc.deregistrationDelaySeconds ?? s.deregistrationDelaySeconds,
                healthCheck: {
                    enabled: true,
                    protocol,
                    port: "traffic-port",
                    path: hc.path,
                    matcher: hc.matcher,
                    interval: hc.intervalSeconds,
                    timeout: hc.timeoutSeconds,
                    healthyThreshold: hc.healthyThreshold,
                    unhealthyThreshold: hc.unhealthyThreshold,
                },
            },
            opts,
        );
        const hosts = svc.hostPatterns ?? [];
        const paths = svc.pathPatterns ?? [];
        const rule = new aws.lb.ListenerRule(
            `${prefix}-rule`,
            {
                listenerArn: shared.httpsListener.arn,
                priority: svc.priority,
                conditions: [...(hosts.length > 0 ? [{ hostHeader: { values: [...hosts] } }] : []), ...(paths.length > 0 ? [{ pathPattern: { values: [...paths] } }] : [])],
                actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            },
            opts,
        );

        // Service: Fargate in the private subnets, no public IP, rolled back on a failed deployment.
        const service = new aws.ecs.Service(
            `${prefix}-service`,
            {
                cluster: shared.cluster.arn,
                taskDefinition: taskDefinition.arn,
                launchType: "FARGATE",
                platformVersion: "LATEST",
                desiredCount: minCount,
                networkConfiguration: { subnets: args.privateSubnetIds, securityGroups: [sg.id], assignPublicIp: false },
                loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: svc.name, containerPort: svc.port }],
                healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds ?? s.healthCheckGracePeriodSeconds,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                availabilityZoneRebalancing: "ENABLED",
                enableExecuteCommand: false,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
            },
            // Application Auto Scaling owns desiredCount after creation. ECS rejects a target group
            // that is not yet attached to a load balancer, hence the rule dependency.
            { parent: this, ignoreChanges: ["desiredCount"], dependsOn: [rule] },
        );

        // Scaling.
        const target = new aws.appautoscaling.Target(
            `${prefix}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${shared.cluster.name}/${service.name}`,
                minCapacity: minCount,
                maxCapacity: svc.maxCount ?? s.maxCount,
            },
            opts,
        );
        const policy = (suffix: string, configuration: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration) =>
            new aws.appautoscaling.Policy(
                `${prefix}-${suffix}`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: { scaleOutCooldown: d.scaleOutCooldownSeconds, scaleInCooldown: d.scaleInCooldownSeconds, ...configuration },
                },
                opts,
            );
        policy("scale-cpu", {
            targetValue: svc.cpuTargetPercent ?? s.cpuTargetPercent,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        });
        policy("scale-memory", {
            targetValue: svc.memoryTargetPercent ?? s.memoryTargetPercent,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
        });
        policy("scale-requests", {
            targetValue: svc.requestsPerTarget ?? s.requestsPerTarget,
            predefinedMetricSpecification: {
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: pulumi.interpolate`${shared.alb.arnSuffix}/${targetGroup.arnSuffix}`,
            },
        });
        if (svc.queueScaling) {
            // Backlog per task as metric math (Application Auto Scaling user guide, "target
            // tracking ... using metric math", SQS backlog per task): visible messages / running
            // tasks, RunningTaskCount from Container Insights. Only the expression returns data.
            policy("scale-backlog", {
                targetValue: svc.queueScaling.backlogPerTask,
                customizedMetricSpecification: {
                    metrics: [
                        {
                            id: "m1",
                            label: "Visible messages in the queue",
                            metricStat: {
                                metric: {
                                    namespace: "AWS/SQS",
                                    metricName: "ApproximateNumberOfMessagesVisible",
                                    dimensions: [{ name: "QueueName", value: svc.queueScaling.queueName }],
                                },
                                stat: "Sum",
                            },
                            returnData: false,
                        },
                        {
                            id: "m2",
                            label: "Running tasks of the service",
                            metricStat: {
                                metric: {
                                    namespace: "ECS/ContainerInsights",
                                    metricName: "RunningTaskCount",
                                    dimensions: [
                                        { name: "ClusterName", value: shared.cluster.name },
                                        { name: "ServiceName", value: service.name },
                                    ],
                                },
                                stat: "Average",
                            },
                            returnData: false,
                        },
                        { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
                    ],
                },
            });
        }

        return {
            serviceName: service.name,
            targetGroupArn: targetGroup.arn,
            securityGroupId: sg.id,
            taskRoleArn: taskRole.arn,
            taskRoleName: taskRole.name,
            logGroupName: logGroup.name,
        };
    }
}
