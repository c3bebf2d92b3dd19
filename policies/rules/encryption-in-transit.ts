import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { listing, ofClasses, references } from "../lib/correlate";
import { insecureTransportDenial, parsePolicyDocument } from "../lib/iam";
import { validateByType, validateResourceOfTypes } from "../lib/typed";
import { UnknownTracker } from "../lib/unknowns";

/*
 * Encryption in transit: every hop uses TLS 1.2 or newer (TLS 1.3 policies on load balancers),
 * plain HTTP only redirects, and data services refuse non-TLS clients.
 */

// ------------------------------------------------------------------------------------------------
// Load balancer listeners (aws:lb/* and aws:alb/* are distinct tokens for the same resource).
// ------------------------------------------------------------------------------------------------

export const lbListenerHttpsOnly: ResourceValidationPolicy = {
    name: "lb-listener-https-only",
    description: "Load balancer listeners use HTTPS/TLS; a plain HTTP listener may only redirect to HTTPS (Checkov CKV_AWS_2, CKV2_AWS_20).",
    validateResource: validateResourceOfTypes([aws.lb.Listener, aws.alb.Listener], (listener, args, reportViolation) => {
        // ALB listeners default to HTTP when protocol is omitted.
        const protocol = (listener.protocol ?? "HTTP").toUpperCase();
        if (protocol === "HTTPS" || protocol === "TLS") {
            return;
        }
        if (protocol !== "HTTP") {
            return args.notApplicable(`Policy only applies to HTTP, HTTPS and TLS listeners (protocol is ${protocol})`);
        }
        const actions = listener.defaultActions ?? [];
        if (actions.length === 0) {
            reportViolation(
                'protocol is HTTP and there is no default action redirecting to HTTPS: use protocol HTTPS, or make the only default action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.',
            );
        }
        actions.forEach((action, i) => {
            const problem = notHttpsRedirect(action);
            if (problem) {
                reportViolation(
                    `protocol is HTTP and defaultActions[${i}] ${problem}: plaintext requests are served; use protocol HTTPS, or make the only default action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.`,
                );
            }
        });
    }),
};

/** Why a listener (rule) action is not a redirect to HTTPS, or undefined when it is one. */
function notHttpsRedirect(action: { type?: unknown; redirect?: { protocol?: unknown } }): string | undefined {
    if (action.type !== "redirect") {
        return `is "${typeof action.type === "string" ? action.type : "(no type)"}", not a redirect to HTTPS`;
    }
    const protocol = action.redirect?.protocol;
    if (protocol !== "HTTPS") {
        // A redirect without protocol keeps "#{protocol}", i.e. stays on HTTP.
        return `redirects with redirect.protocol "${typeof protocol === "string" ? protocol : "#{protocol}"}", not "HTTPS"`;
    }
    return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const lbListenerRuleHttpsOnly: StackValidationPolicy = {
    name: "lb-listener-rule-https-only",
    description:
        "Listener rules on a plain HTTP listener only redirect to HTTPS, as its default action must: a forward or fixed-response rule there serves plaintext (Checkov CKV2_AWS_20, CKV_AWS_2).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const rules = ofClasses(args.resources, aws.lb.ListenerRule, aws.alb.ListenerRule);
        const listeners = ofClasses(args.resources, aws.lb.Listener, aws.alb.Listener);
        if (rules.length === 0) {
            return args.notApplicable("The stack has no load balancer listener rules");
        }
        let checked = 0;
        for (const rule of rules) {
            tracker.check(() => {
                const listener = listeners.find((l) => references(rule, "listenerArn", l, ["arn", "id"]));
                if (!listener) {
                    return; // a listener of another stack: its protocol is not visible here
                }
                checked++;
                // ALB listeners default to HTTP when protocol is omitted.
                if (String(listener.props["protocol"] ?? "HTTP").toUpperCase() !== "HTTP") {
                    return;
                }
                const actions: unknown = rule.props["actions"];
                (Array.isArray(actions) ? actions : []).forEach((action: unknown, i) => {
                    const problem = notHttpsRedirect(isRecord(action) ? action : {});
                    if (problem) {
                        reportViolation(
                            `the rule is on the HTTP listener "${listener.name}" and actions[${i}] ${problem}: plaintext requests matching it are served; attach the rule to the HTTPS listener, or make its only action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.`,
                            rule.urn,
                        );
                    }
                });
            });
        }
        tracker.finish();
        if (checked === 0) {
            return args.notApplicable("The stack's listener rules belong to listeners of other stacks, whose protocol is not visible here");
        }
    },
};

/** TLS 1.3-capable ALB/NLB security policies with TLS 1.2 as the minimum and no legacy ciphers. */
export const DEFAULT_ALLOWED_SSL_POLICIES = [
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

export const lbListenerTlsPolicy: ResourceValidationPolicy = {
    name: "lb-listener-tls-policy",
    description: "HTTPS/TLS load balancer listeners use an allowed TLS 1.3 security policy (Checkov CKV_AWS_103).",
    configSchema: {
        properties: {
            allowedSslPolicies: {
                type: "array",
                items: { type: "string", pattern: "^ELBSecurityPolicy-" },
                minItems: 1,
                default: DEFAULT_ALLOWED_SSL_POLICIES,
                description: "Security policies an HTTPS/TLS listener may use.",
            },
        },
    },
    validateResource: validateResourceOfTypes([aws.lb.Listener, aws.alb.Listener], (listener, args, reportViolation) => {
        const protocol = (listener.protocol ?? "HTTP").toUpperCase();
        if (protocol !== "HTTPS" && protocol !== "TLS") {
            return args.notApplicable(`Policy only applies to HTTPS and TLS listeners (protocol is ${protocol})`);
        }
        const allowed = args.getConfig<{ allowedSslPolicies?: string[] }>().allowedSslPolicies ?? DEFAULT_ALLOWED_SSL_POLICIES;
        if (!listener.sslPolicy) {
            reportViolation(
                `sslPolicy is not set: the listener gets ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1; set sslPolicy to an allowed policy such as ${allowed[0]}.`,
            );
        } else if (!allowed.includes(listener.sslPolicy)) {
            reportViolation(`sslPolicy "${listener.sslPolicy}" is not allowed; set sslPolicy to one of: ${allowed.join(", ")}.`);
        }
    }),
};

// ------------------------------------------------------------------------------------------------
// API Gateway
// ------------------------------------------------------------------------------------------------

export const DEFAULT_API_SECURITY_POLICIES = ["TLS_1_2"];
export const DEFAULT_API_SECURITY_POLICY_PREFIXES = ["SecurityPolicy_TLS13_"];

export const apigatewayDomainTls: ResourceValidationPolicy = {
    name: "apigateway-domain-tls",
    description: "API Gateway custom domains use TLS 1.2 or newer: TLS_1_2 or an enhanced SecurityPolicy_TLS13_* policy (Checkov CKV_AWS_206).",
    configSchema: {
        properties: {
            allowedSecurityPolicies: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_API_SECURITY_POLICIES,
                description: "Security policy names allowed as they are.",
            },
            allowedSecurityPolicyPrefixes: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_API_SECURITY_POLICY_PREFIXES,
                description: "Prefixes of allowed enhanced security policy names (SecurityPolicy_TLS13_1_3_2025_09, ...).",
            },
        },
    },
    validateResource: validateByType(
        validateResourceOfType(aws.apigateway.DomainName, (domain, args, reportViolation) => {
            checkApiSecurityPolicy(domain.securityPolicy, "securityPolicy", args.getConfig(), reportViolation);
        }),
        validateResourceOfType(aws.apigatewayv2.DomainName, (domain, args, reportViolation) => {
            checkApiSecurityPolicy(domain.domainNameConfiguration?.securityPolicy, "domainNameConfiguration.securityPolicy", args.getConfig(), reportViolation);
        }),
    ),
};

function checkApiSecurityPolicy(
    policy: string | undefined,
    path: string,
    config: { allowedSecurityPolicies?: string[]; allowedSecurityPolicyPrefixes?: string[] },
    reportViolation: (message: string) => void,
): void {
    const names = config.allowedSecurityPolicies ?? DEFAULT_API_SECURITY_POLICIES;
    const prefixes = config.allowedSecurityPolicyPrefixes ?? DEFAULT_API_SECURITY_POLICY_PREFIXES;
    const allowedText = [...names, ...prefixes.map((p) => `${p}*`)].join(", ");
    if (!policy) {
        reportViolation(`${path} is not set: the minimum TLS version is left to the service default; set it to one of: ${allowedText}.`);
    } else if (!names.includes(policy) && !prefixes.some((p) => policy.startsWith(p))) {
        reportViolation(`${path} "${policy}" is not allowed: clients could negotiate TLS 1.0; set it to one of: ${allowedText}.`);
    }
}

export const apigatewayMtlsExecuteApiDisabled: StackValidationPolicy = {
    name: "apigateway-mtls-execute-api-disabled",
    description:
        "A REST API mapped to a custom domain with mutual TLS has its default execute-api endpoint disabled, so clients cannot bypass mTLS. No Checkov/cdk-nag rule covers this; companion of Checkov CKV_AWS_206 (custom-domain TLS policy).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const domains = ofClasses(args.resources, aws.apigateway.DomainName);
        const mappings = ofClasses(args.resources, aws.apigateway.BasePathMapping);
        const apis = ofClasses(args.resources, aws.apigateway.RestApi);
        if (domains.length === 0) {
            return args.notApplicable("The stack has no API Gateway custom domain names");
        }
        for (const domain of domains) {
            tracker.check(() => {
                const mtls: unknown = domain.props["mutualTlsAuthentication"];
                if (!mtls) {
                    return;
                }
                const domainName = String(domain.props["domainName"] ?? domain.name);
                for (const mapping of mappings) {
                    tracker.check(() => {
                        if (!references(mapping, "domainName", domain, ["domainName", "id"])) {
                            return;
                        }
                        for (const api of apis) {
                            tracker.check(() => {
                                if (references(mapping, "restApi", api, ["id"]) && api.props["disableExecuteApiEndpoint"] !== true) {
                                    reportViolation(
                                        `REST API is mapped to the mutual-TLS domain "${domainName}" but disableExecuteApiEndpoint is not true: clients can bypass mTLS through the default execute-api endpoint; set disableExecuteApiEndpoint: true.`,
                                        api.urn,
                                    );
                                }
                            });
                        }
                    });
                }
            });
        }
        tracker.finish();
    },
};

// ------------------------------------------------------------------------------------------------
// CloudFront
// ------------------------------------------------------------------------------------------------

const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];

export const cloudfrontViewerHttps: ResourceValidationPolicy = {
    name: "cloudfront-viewer-https",
    description: "Every CloudFront cache behavior requires HTTPS from viewers: viewerProtocolPolicy redirect-to-https or https-only (Checkov CKV_AWS_34).",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, _args, reportViolation) => {
        const tracker = new UnknownTracker();
        tracker.check(() => {
            const policy = distribution.defaultCacheBehavior?.viewerProtocolPolicy;
            if (!HTTPS_VIEWER_POLICIES.includes(policy)) {
                reportViolation(`defaultCacheBehavior.viewerProtocolPolicy is "${policy}": viewers can use plain HTTP; set it to "redirect-to-https" or "https-only".`);
            }
        });
        (distribution.orderedCacheBehaviors ?? []).forEach((behavior, i) =>
            tracker.check(() => {
                const policy = behavior.viewerProtocolPolicy;
                if (!HTTPS_VIEWER_POLICIES.includes(policy)) {
                    reportViolation(
                        `orderedCacheBehaviors[${i}] (pathPattern "${behavior.pathPattern}").viewerProtocolPolicy is "${policy}": viewers can use plain HTTP; set it to "redirect-to-https" or "https-only".`,
                    );
                }
            }),
        );
        tracker.finish();
    }),
};

export const DEFAULT_CLOUDFRONT_MIN_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const cloudfrontMinimumTls: ResourceValidationPolicy = {
    name: "cloudfront-minimum-tls",
    description: "CloudFront distributions use a custom certificate with minimumProtocolVersion TLSv1.2_2021 or newer (Checkov CKV_AWS_174; cdk-nag AwsSolutions-CFR4).",
    configSchema: {
        properties: {
            allowedMinimumProtocolVersions: {
                type: "array",
                items: { type: "string" },
                minItems: 1,
                default: DEFAULT_CLOUDFRONT_MIN_TLS,
                description: "Allowed viewerCertificate.minimumProtocolVersion values.",
            },
        },
    },
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
        const allowed = args.getConfig<{ allowedMinimumProtocolVersions?: string[] }>().allowedMinimumProtocolVersions ?? DEFAULT_CLOUDFRONT_MIN_TLS;
        const certificate = distribution.viewerCertificate;
        if (certificate?.cloudfrontDefaultCertificate === true) {
            reportViolation(
                `viewerCertificate uses the default *.cloudfront.net certificate, which always accepts TLSv1: use an ACM certificate (in us-east-1) with minimumProtocolVersion ${allowed[0]} or newer.`,
            );
            return;
        }
        const version = certificate?.minimumProtocolVersion;
        if (!version) {
            reportViolation(`viewerCertificate.minimumProtocolVersion is not set (CloudFront then accepts TLSv1); set it to one of: ${allowed.join(", ")}.`);
        } else if (!allowed.includes(version)) {
            reportViolation(`viewerCertificate.minimumProtocolVersion "${version}" is not allowed; set it to one of: ${allowed.join(", ")}.`);
        }
    }),
};

// ------------------------------------------------------------------------------------------------
// Data services
// ------------------------------------------------------------------------------------------------

export const elasticacheTransitEncryption: ResourceValidationPolicy = {
    name: "elasticache-transit-encryption",
    description:
        'ElastiCache replication groups and clusters require TLS from clients (transit encryption on, mode not "preferred") (Checkov CKV_AWS_30; cdk-nag AwsSolutions-AEC3).',
    validateResource: validateByType(
        validateResourceOfType(aws.elasticache.ReplicationGroup, (group, _args, reportViolation) => {
            if (group.transitEncryptionEnabled !== true) {
                reportViolation("transitEncryptionEnabled is not true: clients connect in plaintext (and AUTH tokens need TLS); set transitEncryptionEnabled: true.");
            } else if (group.transitEncryptionMode === "preferred") {
                reportViolation('transitEncryptionMode is "preferred": plaintext connections are still accepted; set transitEncryptionMode to "required" once clients use TLS.');
            }
        }),
        validateResourceOfType(aws.elasticache.Cluster, (cluster, args, reportViolation) => {
            if (cluster.replicationGroupId) {
                return args.notApplicable("Member clusters inherit transit encryption from their replication group");
            }
            if (cluster.transitEncryptionEnabled !== true) {
                reportViolation("transitEncryptionEnabled is not true: clients connect in plaintext; set transitEncryptionEnabled: true.");
            }
        }),
    ),
};

/** The parameter that makes an engine refuse non-TLS connections, and the values that turn it on. */
function tlsParameterFor(engine: string): { name: string; values: string[] } {
    return /mysql|mariadb/i.test(engine) ? { name: "require_secure_transport", values: ["1", "ON"] } : { name: "rds.force_ssl", values: ["1"] };
}

function parameterValue(group: PolicyResource, name: string): string | undefined {
    const parameters: unknown = group.props["parameters"];
    if (!Array.isArray(parameters)) {
        return undefined;
    }
    for (const p of parameters as unknown[]) {
        if (typeof p === "object" && p !== null && Reflect.get(p, "name") === name) {
            return String(Reflect.get(p, "value"));
        }
    }
    return undefined;
}

export const rdsForceSsl: StackValidationPolicy = {
    name: "rds-force-ssl",
    description:
        "RDS/Aurora databases refuse non-TLS connections: the cluster (or instance) parameter group sets rds.force_ssl = 1 (PostgreSQL) or require_secure_transport = ON (MySQL) (Checkov CKV2_AWS_69).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const subjects: Array<{ db: PolicyResource; groupKey: string; groups: PolicyResource[]; kind: string }> = [
            ...ofClasses(args.resources, aws.rds.Cluster).map((db) => ({
                db,
                groupKey: "dbClusterParameterGroupName",
                groups: ofClasses(args.resources, aws.rds.ClusterParameterGroup),
                kind: "ClusterParameterGroup",
            })),
            ...ofClasses(args.resources, aws.rds.Instance).map((db) => ({
                db,
                groupKey: "parameterGroupName",
                groups: ofClasses(args.resources, aws.rds.ParameterGroup),
                kind: "ParameterGroup",
            })),
        ];
        if (subjects.length === 0) {
            return args.notApplicable("The stack has no RDS clusters or DB instances");
        }
        for (const { db, groupKey, groups, kind } of subjects) {
            tracker.check(() => {
                const engine = String(db.props["engine"] ?? "");
                const tls = tlsParameterFor(engine);
                const fix = `attach an aws.rds.${kind} with ${tls.name} = ${tls.values[0]}`;
                const groupName: unknown = db.props[groupKey];
                if (typeof groupName !== "string" || groupName.length === 0) {
                    reportViolation(`${groupKey} is not set: the default parameter group does not force TLS (${tls.name} is off); ${fix}.`, db.urn);
                    return;
                }
                const group = groups.find((g) => references(db, groupKey, g, ["name", "id"]));
                if (!group) {
                    reportViolation(`${groupKey} "${groupName}" is not an aws.rds.${kind} of this stack, so ${tls.name} cannot be verified; ${fix}.`, db.urn);
                    return;
                }
                const value = parameterValue(group, tls.name);
                if (value === undefined || !tls.values.includes(value.toUpperCase())) {
                    reportViolation(`parameter group "${groupName}" sets ${tls.name} = ${value ?? "(not set)"}: non-TLS connections are accepted; ${fix}.`, db.urn);
                }
            });
        }
        tracker.finish();
    },
};

// ------------------------------------------------------------------------------------------------
// Resource policies that deny non-TLS requests (aws:SecureTransport = false)
// ------------------------------------------------------------------------------------------------

const PLURALS: Record<string, string> = { bucket: "S3 buckets", queue: "SQS queues", topic: "SNS topics" };

/** How one service's resource policies must deny requests without TLS. */
interface SecureTransportSubject {
    readonly noun: "bucket" | "queue" | "topic";
    /** The policy resource class, for messages. */
    readonly policyClass: string;
    /** Property of the policy resource that names the target, and the target's keys it may hold. */
    readonly refProp: string;
    readonly targetKeys: string[];
    /** Actions one of which the deny must list, the one suggested first. */
    readonly actions: string[];
    /** ARNs the deny must cover for `target`; undefined when they cannot be derived. */
    arns(target: PolicyResource): string[] | undefined;
}

/** `a, b or c`. */
function either(items: readonly string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function knownString(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Checks that every resource of `targets` has a resource policy (inline `policy`, or a separate
 * policy resource pointing at it through `refProp`) whose Deny on aws:SecureTransport false covers
 * the service's actions and the resource's ARN(s).
 */
function checkSecureTransport(
    subject: SecureTransportSubject,
    targets: PolicyResource[],
    policies: PolicyResource[],
    args: StackValidationArgs,
    reportViolation: (message: string, urn?: string) => void,
): void {
    const { noun } = subject;
    if (targets.length === 0) {
        return args.notApplicable(`The stack has no ${PLURALS[noun]}`);
    }
    const tracker = new UnknownTracker();
    for (const target of targets) {
        tracker.check(() => {
            const arns = subject.arns(target);
            const resource = arns === undefined ? '"*"' : arns.length === 1 ? `"${arns[0]}"` : `[${arns.map((a) => `"${a}"`).join(", ")}]`;
            const statement = `{ Effect: "Deny", Principal: "*", Action: "${subject.actions[subject.actions.length - 1]}", Resource: ${resource}, Condition: { Bool: { "aws:SecureTransport": "false" } } }`;
            const documents: unknown[] = [];
            const inline: unknown = target.props["policy"];
            if (inline) {
                documents.push(inline);
            }
            for (const p of policies) {
                if (references(p, subject.refProp, target, subject.targetKeys)) {
                    documents.push(p.props["policy"]);
                }
            }
            if (documents.length === 0) {
                reportViolation(`${noun} has no resource policy denying requests without TLS: add an ${subject.policyClass} with a statement ${statement}.`, target.urn);
                return;
            }
            const statements = documents.flatMap((d) => {
                const parsed = parsePolicyDocument(d);
                return "statements" in parsed ? parsed.statements : [];
            });
            const verdict = insecureTransportDenial(statements, { actions: subject.actions, resources: arns ?? ["*"] });
            if (verdict.problem === "no-deny") {
                reportViolation(`${noun}'s resource policy does not deny requests without TLS: add a statement ${statement}.`, target.urn);
            } else if (verdict.problem === "actions") {
                reportViolation(
                    `${noun}'s resource policy denies requests without TLS only for ${listing(verdict.actions.map((a) => `"${a}"`))}, which leaves other actions open over plain HTTP: deny ${either(subject.actions.map((a) => `"${a}"`))} instead, e.g. ${statement}.`,
                    target.urn,
                );
            } else if (verdict.problem === "resources") {
                reportViolation(
                    `${noun}'s resource policy denies requests without TLS, but not on ${listing(verdict.missing.map((a) => `"${a}"`))}: name it in the statement's Resource, e.g. ${statement}.`,
                    target.urn,
                );
            }
        });
    }
    tracker.finish();
}

/*
 * Actions: S3 and SQS as AWS recommends (s3:* in "Enforce encryption of data in transit" of the S3
 * security best practices, sqs:* as CDK's enforceSSL writes it); SNS's own best-practice statement
 * denies SNS:Publish only (sns-security-best-practices.html#enforce-encryption-data-in-transit, also
 * what cdk-nag AwsSolutions-SNS3 checks), so sns:Publish is enough there. "*" always covers.
 */

export const s3BucketDenyInsecureTransport: StackValidationPolicy = {
    name: "s3-bucket-deny-insecure-transport",
    description:
        "Every S3 bucket has a bucket policy that denies requests without TLS (aws:SecureTransport false) for s3:* (or *) on the bucket and its objects (cdk-nag AwsSolutions-S10).",
    validateStack: (args, reportViolation) =>
        checkSecureTransport(
            {
                noun: "bucket",
                policyClass: "aws.s3.BucketPolicy",
                refProp: "bucket",
                targetKeys: ["id", "bucket"],
                actions: ["*", "s3:*"],
                arns: (bucket) => {
                    const name = knownString(bucket.props["bucket"]) ?? knownString(bucket.props["id"]);
                    const arn = knownString(bucket.props["arn"]) ?? (name ? `arn:aws:s3:::${name}` : undefined);
                    return arn ? [arn, `${arn}/*`] : undefined;
                },
            },
            ofClasses(args.resources, aws.s3.Bucket, aws.s3.BucketV2),
            ofClasses(args.resources, aws.s3.BucketPolicy),
            args,
            reportViolation,
        ),
};

export const sqsQueueDenyInsecureTransport: StackValidationPolicy = {
    name: "sqs-queue-deny-insecure-transport",
    description: "Every SQS queue has a queue policy that denies requests without TLS (aws:SecureTransport false) for sqs:* (or *) on the queue (cdk-nag AwsSolutions-SQS4).",
    validateStack: (args, reportViolation) =>
        checkSecureTransport(
            {
                noun: "queue",
                policyClass: "aws.sqs.QueuePolicy",
                // A queue's id is its URL.
                refProp: "queueUrl",
                targetKeys: ["id", "url"],
                actions: ["*", "sqs:*"],
                arns: (queue) => {
                    const arn = knownString(queue.props["arn"]);
                    return arn ? [arn] : undefined;
                },
            },
            ofClasses(args.resources, aws.sqs.Queue),
            ofClasses(args.resources, aws.sqs.QueuePolicy),
            args,
            reportViolation,
        ),
};

export const snsTopicDenyInsecureTransport: StackValidationPolicy = {
    name: "sns-topic-deny-insecure-transport",
    description:
        "Every SNS topic has a topic policy that denies requests without TLS (aws:SecureTransport false) for sns:Publish, sns:* or * on the topic, as AWS's SNS best practices show (cdk-nag AwsSolutions-SNS3).",
    validateStack: (args, reportViolation) =>
        checkSecureTransport(
            {
                noun: "topic",
                policyClass: "aws.sns.TopicPolicy",
                // A topic's id is its ARN.
                refProp: "arn",
                targetKeys: ["id", "arn"],
                actions: ["*", "sns:*", "sns:Publish"],
                arns: (topic) => {
                    const arn = knownString(topic.props["arn"]) ?? knownString(topic.props["id"]);
                    return arn ? [arn] : undefined;
                },
            },
            ofClasses(args.resources, aws.sns.Topic),
            ofClasses(args.resources, aws.sns.TopicPolicy),
            args,
            reportViolation,
        ),
};

export const encryptionInTransitPolicies = [
    lbListenerHttpsOnly,
    lbListenerRuleHttpsOnly,
    lbListenerTlsPolicy,
    apigatewayDomainTls,
    apigatewayMtlsExecuteApiDisabled,
    cloudfrontViewerHttps,
    cloudfrontMinimumTls,
    elasticacheTransitEncryption,
    rdsForceSsl,
    s3BucketDenyInsecureTransport,
    sqsQueueDenyInsecureTransport,
    snsTopicDenyInsecureTransport,
];
