import * as aws from "@pulumi/aws";
import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { listing, ofClasses, references } from "../lib/correlate";
import { parsePolicyDocument, wildcardProblems } from "../lib/iam";
import { validateByType, validateResourceOfTypes } from "../lib/typed";
import { UnknownTracker } from "../lib/unknowns";

/*
 * Baseline access controls: nothing public by accident, least-privilege IAM, strict HTTP parsing.
 */

// ------------------------------------------------------------------------------------------------
// S3 public access
// ------------------------------------------------------------------------------------------------

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3BucketPublicAccessBlock: StackValidationPolicy = {
    name: "s3-bucket-public-access-block",
    description:
        "Every S3 bucket has a BucketPublicAccessBlock with all four flags true (Checkov CKV2_AWS_6, CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56; cdk-nag AwsSolutions-S2).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const blocks = ofClasses(args.resources, aws.s3.BucketPublicAccessBlock);
        const buckets = ofClasses(args.resources, aws.s3.Bucket, aws.s3.BucketV2);
        if (buckets.length === 0) {
            return args.notApplicable("The stack has no S3 buckets");
        }
        for (const bucket of buckets) {
            tracker.check(() => {
                const mine = blocks.filter((b) => references(b, "bucket", bucket, ["id", "bucket"]));
                if (mine.length === 0) {
                    reportViolation(
                        "bucket has no public access block: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
                        bucket.urn,
                    );
                }
                for (const block of mine) {
                    const off = PUBLIC_ACCESS_FLAGS.filter((flag) => block.props[flag] !== true);
                    if (off.length > 0) {
                        reportViolation(
                            `the public access block leaves ${listing(off)} not true: set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.`,
                            block.urn,
                        );
                    }
                }
            });
        }
        tracker.finish();
    },
};

const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEE_URIS = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

function cannedAclProblem(acl: string | undefined, reportViolation: ReportViolation): void {
    if (acl !== undefined && PUBLIC_CANNED_ACLS.includes(acl)) {
        reportViolation(`acl is "${acl}": objects are readable (or writable) outside the account; remove the ACL and keep ownership controls at BucketOwnerEnforced.`);
    }
}

function granteeProblem(uri: string | undefined, permission: string | undefined, path: string, reportViolation: ReportViolation): void {
    if (uri !== undefined && PUBLIC_GRANTEE_URIS.includes(uri)) {
        reportViolation(`${path} grants ${permission ?? "access"} to ${uri}: the bucket is public; remove the grant.`);
    }
}

export const s3BucketNoPublicAcl: ResourceValidationPolicy = {
    name: "s3-bucket-no-public-acl",
    description:
        "S3 buckets and bucket ACLs grant nothing to AllUsers/AuthenticatedUsers (no public-read, public-read-write or authenticated-read) (Checkov CKV_AWS_20, CKV_AWS_57; cdk-nag AwsSolutions-S2).",
    validateResource: validateByType(
        validateResourceOfType(aws.s3.Bucket, (bucket, _args, reportViolation) => {
            cannedAclProblem(bucket.acl, reportViolation);
            (bucket.grants ?? []).forEach((g, i) => granteeProblem(g.uri, g.permissions?.join("/"), `grants[${i}]`, reportViolation));
        }),
        validateResourceOfType(aws.s3.BucketV2, (bucket, _args, reportViolation) => {
            cannedAclProblem(bucket.acl, reportViolation);
            (bucket.grants ?? []).forEach((g, i) => granteeProblem(g.uri, g.permissions?.join("/"), `grants[${i}]`, reportViolation));
        }),
        validateResourceOfType(aws.s3.BucketAcl, (acl, _args, reportViolation) => {
            cannedAclProblem(acl.acl, reportViolation);
            (acl.accessControlPolicy?.grants ?? []).forEach((g, i) => granteeProblem(g.grantee?.uri, g.permission, `accessControlPolicy.grants[${i}]`, reportViolation));
        }),
        validateResourceOfType(aws.s3.BucketAclV2, (acl, _args, reportViolation) => {
            cannedAclProblem(acl.acl, reportViolation);
            (acl.accessControlPolicy?.grants ?? []).forEach((g, i) => granteeProblem(g.grantee?.uri, g.permission, `accessControlPolicy.grants[${i}]`, reportViolation));
        }),
    ),
};

// ------------------------------------------------------------------------------------------------
// Security groups
// ------------------------------------------------------------------------------------------------

export const DEFAULT_ALLOWED_PUBLIC_PORTS = [443];

const PUBLIC_CIDRS = ["0.0.0.0/0", "::/0"];

interface IngressShape {
    protocol: string;
    fromPort: number;
    toPort: number;
    sources: string[];
}

function protocolName(protocol: string): string {
    const p = protocol.toLowerCase();
    return p === "6" ? "tcp" : p === "17" ? "udp" : p === "58" ? "icmpv6" : p === "1" ? "icmp" : p;
}

/** The security group a rule belongs to: its id, and the URNs the engine recorded for it. */
interface GroupRef {
    id: string | undefined;
    urns: string[];
}

/**
 * True when an internet-facing load balancer (internal not true) lists the group in its
 * securityGroups, by id or by the engine's property dependencies.
 */
function onInternetFacingLb(group: GroupRef, loadBalancers: readonly PolicyResource[]): boolean {
    return loadBalancers.some((lb) => {
        const listed: unknown = lb.props["securityGroups"];
        const dependencies = lb.propertyDependencies?.["securityGroups"] ?? [];
        const attached = dependencies.some((d) => group.urns.includes(d.urn)) || (group.id !== undefined && Array.isArray(listed) && listed.some((id) => id === group.id));
        return attached && lb.props["internal"] !== true;
    });
}

/**
 * Reports an ingress rule open to the internet unless it is an allowed TCP port on a security group
 * of an internet-facing load balancer (the only public edge a VPC should have).
 */
function checkIngress(rule: IngressShape, path: string, allowedPorts: number[], isPublicEdge: () => boolean, reportViolation: (message: string) => void): void {
    const open = rule.sources.filter((s) => PUBLIC_CIDRS.includes(s));
    if (open.length === 0) {
        return;
    }
    const protocol = protocolName(rule.protocol);
    const allProtocols = protocol === "-1" || protocol === "all";
    const what = allProtocols
        ? "all protocols and ports"
        : rule.fromPort === rule.toPort
          ? `${protocol} port ${rule.fromPort}`
          : `${protocol} ports ${rule.fromPort}-${rule.toPort}`;
    if (!allProtocols && protocol === "tcp" && rule.fromPort === rule.toPort && allowedPorts.includes(rule.fromPort)) {
        if (!isPublicEdge()) {
            reportViolation(
                `${path} allows ${listing(open)} on ${what}, but the security group is not attached to an internet-facing load balancer: only the security groups of internet-facing load balancers may accept the internet; restrict the source to a security group or a known CIDR.`,
            );
        }
        return;
    }
    reportViolation(
        `${path} allows ${listing(open)} on ${what}: only tcp port(s) ${allowedPorts.join(", ")} may be open to the internet; restrict the source to a security group or a known CIDR.`,
    );
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
    return typeof value === "number" ? value : fallback;
}

export const securityGroupNoPublicIngress: StackValidationPolicy = {
    name: "security-group-no-public-ingress",
    description:
        "No security group ingress from 0.0.0.0/0 or ::/0 (inline ingress, SecurityGroupRule, vpc.SecurityGroupIngressRule) except the allowed public ports (default 443) on security groups of internet-facing load balancers (Checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277; cdk-nag AwsSolutions-EC23).",
    configSchema: {
        properties: {
            allowedPublicPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: DEFAULT_ALLOWED_PUBLIC_PORTS,
                description: "TCP ports that the security groups of internet-facing load balancers may open to 0.0.0.0/0 or ::/0.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const allowed = args.getConfig<{ allowedPublicPorts?: number[] }>().allowedPublicPorts ?? DEFAULT_ALLOWED_PUBLIC_PORTS;
        const tracker = new UnknownTracker();
        const groups = ofClasses(args.resources, aws.ec2.SecurityGroup);
        const rules = ofClasses(args.resources, aws.ec2.SecurityGroupRule);
        const ingressRules = ofClasses(args.resources, aws.vpc.SecurityGroupIngressRule);
        const loadBalancers = ofClasses(args.resources, aws.lb.LoadBalancer, aws.alb.LoadBalancer);
        if (groups.length + rules.length + ingressRules.length === 0) {
            return args.notApplicable("The stack has no security groups or ingress rules");
        }
        const ruleGroup = (rule: PolicyResource): GroupRef => ({
            id: text(rule.props["securityGroupId"]),
            urns: (rule.propertyDependencies?.["securityGroupId"] ?? []).map((d) => d.urn),
        });

        for (const group of groups) {
            const ingress: unknown = tracker.read(() => group.props["ingress"] as unknown);
            (Array.isArray(ingress) ? ingress : []).forEach((rule: Record<string, unknown>, i) =>
                tracker.check(() =>
                    checkIngress(
                        {
                            protocol: String(rule["protocol"]),
                            fromPort: numberOr(rule["fromPort"], 0),
                            toPort: numberOr(rule["toPort"], 0),
                            sources: [...strings(rule["cidrBlocks"]), ...strings(rule["ipv6CidrBlocks"])],
                        },
                        `ingress[${i}]`,
                        allowed,
                        () => onInternetFacingLb({ id: text(group.props["id"]), urns: [group.urn] }, loadBalancers),
                        (message) => reportViolation(message, group.urn),
                    ),
                ),
            );
        }
        for (const rule of rules) {
            tracker.check(() => {
                if (rule.props["type"] !== "ingress") {
                    return;
                }
                checkIngress(
                    {
                        protocol: String(rule.props["protocol"]),
                        fromPort: numberOr(rule.props["fromPort"], 0),
                        toPort: numberOr(rule.props["toPort"], 0),
                        sources: [...strings(rule.props["cidrBlocks"]), ...strings(rule.props["ipv6CidrBlocks"])],
                    },
                    "the rule",
                    allowed,
                    () => onInternetFacingLb(ruleGroup(rule), loadBalancers),
                    (message) => reportViolation(message, rule.urn),
                );
            });
        }
        for (const rule of ingressRules) {
            tracker.check(() => {
                const fromPort: unknown = rule.props["fromPort"];
                const toPort: unknown = rule.props["toPort"];
                checkIngress(
                    {
                        protocol: String(rule.props["ipProtocol"]),
                        // ipProtocol "-1" has no ports; a single port has only fromPort = toPort.
                        fromPort: numberOr(fromPort, 0),
                        toPort: numberOr(toPort, numberOr(fromPort, 65535)),
                        sources: [rule.props["cidrIpv4"], rule.props["cidrIpv6"]].filter((c): c is string => typeof c === "string"),
                    },
                    "the rule",
                    allowed,
                    () => onInternetFacingLb(ruleGroup(rule), loadBalancers),
                    (message) => reportViolation(message, rule.urn),
                );
            });
        }
        tracker.finish();
    },
};

// ------------------------------------------------------------------------------------------------
// IAM
// ------------------------------------------------------------------------------------------------

function checkPolicyDocument(document: unknown, prefix: string, reportViolation: ReportViolation): void {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        reportViolation(`${prefix}policy document ${parsed.error}: it cannot be checked for wildcard actions; pass a valid IAM policy JSON document.`);
        return;
    }
    for (const problem of wildcardProblems(parsed.statements)) {
        if (problem.notAction) {
            reportViolation(
                `${prefix}${problem.statement} uses NotAction with Allow, which grants every action except the listed ones: list the allowed actions in Action instead.`,
            );
        } else {
            reportViolation(
                `${prefix}${problem.statement} allows ${problem.wildcards.map((a) => `"${a}"`).join(", ")}: wildcards grant every current and future action; list only the actions the workload needs.`,
            );
        }
    }
}

/**
 * AWS managed policies that grant wildcard actions, by name (AWS managed policy reference):
 * AdministratorAccess allows "*", PowerUserAccess every action except iam:*, organizations:* and
 * account:* (NotAction), IAMFullAccess "iam:*".
 */
const BROAD_MANAGED_POLICIES: Readonly<Record<string, string>> = {
    AdministratorAccess: 'allows "*" on every resource',
    PowerUserAccess: "allows every action outside IAM, Organizations and Account (NotAction)",
    IAMFullAccess: 'allows "iam:*", so its holder can grant itself anything',
};

function checkManagedPolicy(arn: string | undefined, path: string, reportViolation: ReportViolation): void {
    const name = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn ?? "")?.[1];
    const grants = name === undefined ? undefined : BROAD_MANAGED_POLICIES[name];
    if (name !== undefined && grants !== undefined) {
        reportViolation(`${path} attaches the AWS managed policy ${name}, which ${grants}: attach a customer-managed policy that lists only the actions the workload needs.`);
    }
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description:
        'IAM identity policies (managed, role/user/group inline, Role.inlinePolicies) allow no "*" or "service:*" actions and no Allow+NotAction, and no AdministratorAccess, PowerUserAccess or IAMFullAccess is attached; assume-role documents are exempt (Checkov CKV_AWS_63, CKV_AWS_62, CKV_AWS_274; cdk-nag AwsSolutions-IAM4, AwsSolutions-IAM5).',
    validateResource: validateByType(
        validateResourceOfType(aws.iam.Policy, (policy, _args, reportViolation) => checkPolicyDocument(policy.policy, "", reportViolation)),
        validateResourceOfType(aws.iam.RolePolicy, (policy, _args, reportViolation) => checkPolicyDocument(policy.policy, "", reportViolation)),
        validateResourceOfType(aws.iam.UserPolicy, (policy, _args, reportViolation) => checkPolicyDocument(policy.policy, "", reportViolation)),
        validateResourceOfType(aws.iam.GroupPolicy, (policy, _args, reportViolation) => checkPolicyDocument(policy.policy, "", reportViolation)),
        validateResourceOfType(aws.iam.Role, (role, _args, reportViolation) => {
            // assumeRolePolicy is a trust policy (who may assume the role), not a grant: not checked.
            const tracker = new UnknownTracker();
            (role.inlinePolicies ?? []).forEach((inline, i) =>
                tracker.check(() => {
                    if (inline.policy !== undefined) {
                        checkPolicyDocument(inline.policy, `inlinePolicies[${i}]${inline.name ? ` ("${inline.name}")` : ""}: `, reportViolation);
                    }
                }),
            );
            (role.managedPolicyArns ?? []).forEach((arn, i) => tracker.check(() => checkManagedPolicy(arn, `managedPolicyArns[${i}]`, reportViolation)));
            tracker.finish();
        }),
        validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, _args, reportViolation) => checkManagedPolicy(attachment.policyArn, "policyArn", reportViolation)),
        validateResourceOfType(aws.iam.UserPolicyAttachment, (attachment, _args, reportViolation) => checkManagedPolicy(attachment.policyArn, "policyArn", reportViolation)),
        validateResourceOfType(aws.iam.GroupPolicyAttachment, (attachment, _args, reportViolation) => checkManagedPolicy(attachment.policyArn, "policyArn", reportViolation)),
        validateResourceOfType(aws.iam.PolicyAttachment, (attachment, _args, reportViolation) => checkManagedPolicy(attachment.policyArn, "policyArn", reportViolation)),
    ),
};

// ------------------------------------------------------------------------------------------------
// Load balancers
// ------------------------------------------------------------------------------------------------

export const lbDropInvalidHeaders: ResourceValidationPolicy = {
    name: "lb-drop-invalid-headers",
    description: "Application load balancers drop invalid HTTP header fields, closing request-smuggling and desync vectors (Checkov CKV_AWS_131).",
    validateResource: validateResourceOfTypes([aws.lb.LoadBalancer, aws.alb.LoadBalancer], (lb, args, reportViolation) => {
        const type = lb.loadBalancerType ?? "application";
        if (type !== "application") {
            return args.notApplicable(`Policy only applies to application load balancers (loadBalancerType is ${type})`);
        }
        if (lb.dropInvalidHeaderFields !== true) {
            reportViolation("dropInvalidHeaderFields is not true: requests with invalid header fields are passed to targets; set dropInvalidHeaderFields: true.");
        }
    }),
};

export const baselinePolicies = [s3BucketPublicAccessBlock, s3BucketNoPublicAcl, securityGroupNoPublicIngress, iamNoWildcardActions, lbDropInvalidHeaders];
