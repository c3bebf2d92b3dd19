import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ofClasses, references } from "../lib/correlate";
import { validateResourceOfTypes } from "../lib/typed";
import { UnknownTracker } from "../lib/unknowns";

/*
 * Access logging on every entry point, bounded log retention, and a WAF in front of every public
 * endpoint (CloudFront and API Gateway; the ALB is internal).
 */

export const apigatewayStageAccessLogging: ResourceValidationPolicy = {
    name: "apigateway-stage-access-logging",
    description: "API Gateway stages (REST and HTTP APIs) write access logs: accessLogSettings with destinationArn and format (Checkov CKV_AWS_76; cdk-nag AwsSolutions-APIG1).",
    validateResource: validateResourceOfTypes([aws.apigateway.Stage, aws.apigatewayv2.Stage], (stage, _args, reportViolation) => {
        const settings = stage.accessLogSettings;
        if (!settings) {
            reportViolation(
                "accessLogSettings is not set: requests to the stage are not logged; set accessLogSettings: { destinationArn: <log group ARN>, format: <JSON format> }.",
            );
            return;
        }
        if (!settings.destinationArn) {
            reportViolation("accessLogSettings.destinationArn is not set: set it to a CloudWatch log group (or Firehose) ARN.");
        }
        if (!settings.format) {
            reportViolation("accessLogSettings.format is not set: set a JSON access-log format including $context.requestId.");
        }
    }),
};

export const lbAccessLogging: ResourceValidationPolicy = {
    name: "lb-access-logging",
    description: "Load balancers write access logs to S3: accessLogs.enabled with a bucket (Checkov CKV_AWS_91; cdk-nag AwsSolutions-ELB2).",
    validateResource: validateResourceOfTypes([aws.lb.LoadBalancer, aws.alb.LoadBalancer], (lb, args, reportViolation) => {
        if (lb.loadBalancerType === "gateway") {
            return args.notApplicable("Gateway load balancers have no access logs");
        }
        const logs = lb.accessLogs;
        if (logs?.enabled !== true) {
            reportViolation(
                "accessLogs.enabled is not true: requests are not logged; set accessLogs: { enabled: true, bucket: <SSE-S3 bucket with the ELB log-delivery policy> }.",
            );
        } else if (!logs.bucket) {
            reportViolation("accessLogs.bucket is not set: set it to an SSE-S3 bucket whose policy allows the regional ELB log delivery.");
        }
    }),
};

export const cloudfrontAccessLogging: StackValidationPolicy = {
    name: "cloudfront-access-logging",
    description:
        "CloudFront distributions log viewer requests: loggingConfig (legacy standard logs) or a v2 log delivery (LogDeliverySource for the distribution + LogDelivery) (Checkov CKV_AWS_86; cdk-nag AwsSolutions-CFR3).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const sources = ofClasses(args.resources, aws.cloudwatch.LogDeliverySource);
        const deliveries = ofClasses(args.resources, aws.cloudwatch.LogDelivery);
        const distributions = ofClasses(args.resources, aws.cloudfront.Distribution);
        if (distributions.length === 0) {
            return args.notApplicable("The stack has no CloudFront distributions");
        }
        for (const distribution of distributions) {
            tracker.check(() => {
                const logging: unknown = distribution.props["loggingConfig"];
                if (isRecord(logging) && typeof logging["bucket"] === "string" && logging["bucket"].length > 0) {
                    return;
                }
                const mine = sources.filter((s) => references(s, "resourceArn", distribution, ["arn"]));
                if (mine.length === 0) {
                    reportViolation(
                        "distribution has no access logging: set loggingConfig.bucket, or add an aws.cloudwatch.LogDeliverySource (resourceArn = the distribution ARN, logType ACCESS_LOGS) and an aws.cloudwatch.LogDelivery.",
                        distribution.urn,
                    );
                    return;
                }
                const delivered = mine.some((source: PolicyResource) => deliveries.some((d) => references(d, "deliverySourceName", source, ["name"])));
                if (!delivered) {
                    reportViolation(
                        "the distribution's LogDeliverySource has no aws.cloudwatch.LogDelivery (deliverySourceName = the source's name): logs are collected but delivered nowhere.",
                        distribution.urn,
                    );
                }
            });
        }
        tracker.finish();
    },
};

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const DEFAULT_MIN_LOG_RETENTION_DAYS = 365;

export const cloudwatchLogGroupRetention: ResourceValidationPolicy = {
    name: "cloudwatch-log-group-retention",
    description: "CloudWatch log groups set a retention of at least the configured days, default 365 (Checkov CKV_AWS_66, CKV_AWS_338).",
    configSchema: {
        properties: {
            minRetentionDays: {
                type: "integer",
                minimum: 1,
                default: DEFAULT_MIN_LOG_RETENTION_DAYS,
                description: "Minimum retentionInDays.",
            },
        },
    },
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
        const minimum = args.getConfig<{ minRetentionDays?: number }>().minRetentionDays ?? DEFAULT_MIN_LOG_RETENTION_DAYS;
        const days = group.retentionInDays;
        if (!days) {
            reportViolation(`retentionInDays is not set: logs never expire, so retention is nobody's decision; set retentionInDays >= ${minimum}.`);
        } else if (days < minimum) {
            reportViolation(`retentionInDays is ${days}: at least ${minimum} days are required; set retentionInDays >= ${minimum}.`);
        }
    }),
};

export const apigatewayStageWaf: StackValidationPolicy = {
    name: "apigateway-stage-waf",
    description:
        "Every API Gateway REST stage is associated with an AWS WAFv2 web ACL (a WebAclAssociation whose resourceArn is the stage ARN) (Checkov CKV2_AWS_29; cdk-nag AwsSolutions-APIG3).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const associations = ofClasses(args.resources, aws.wafv2.WebAclAssociation);
        const stages = ofClasses(args.resources, aws.apigateway.Stage);
        if (stages.length === 0) {
            return args.notApplicable("The stack has no API Gateway REST stages");
        }
        for (const stage of stages) {
            tracker.check(() => {
                const stageName: unknown = stage.props["stageName"];
                const restApi: unknown = stage.props["restApi"];
                // resourceArn may be built by hand: arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>
                const suffix = typeof restApi === "string" && typeof stageName === "string" ? `/restapis/${restApi}/stages/${stageName}` : undefined;
                const associated = associations.some((a) => {
                    const arn: unknown = a.props["resourceArn"];
                    if (suffix !== undefined && typeof arn === "string" && arn.startsWith("arn:") && arn.endsWith(suffix)) {
                        return true;
                    }
                    return references(a, "resourceArn", stage, ["arn", "id"]);
                });
                if (!associated) {
                    reportViolation(
                        `API Gateway stage "${typeof stageName === "string" ? stageName : stage.name}" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is this stage's ARN (web ACL scope REGIONAL).`,
                        stage.urn,
                    );
                }
            });
        }
        tracker.finish();
    },
};

export const cloudfrontWaf: ResourceValidationPolicy = {
    name: "cloudfront-waf",
    description: "CloudFront distributions are protected by an AWS WAFv2 web ACL (webAclId, scope CLOUDFRONT in us-east-1) (Checkov CKV_AWS_68; cdk-nag AwsSolutions-CFR2).",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, _args, reportViolation) => {
        if (!distribution.webAclId) {
            reportViolation("webAclId is not set: the distribution has no WAF; set webAclId to the ARN of a CLOUDFRONT-scope WAFv2 web ACL (created in us-east-1).");
        }
    }),
};

export const lbWaf: StackValidationPolicy = {
    name: "lb-waf",
    description:
        "Internet-facing application load balancers are associated with an AWS WAFv2 web ACL (a WebAclAssociation whose resourceArn is the load balancer ARN) (Checkov CKV2_AWS_28).",
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const associations = ofClasses(args.resources, aws.wafv2.WebAclAssociation);
        let checked = 0;
        for (const lb of ofClasses(args.resources, aws.lb.LoadBalancer, aws.alb.LoadBalancer)) {
            tracker.check(() => {
                // WAF web ACLs attach to application load balancers only (not network or gateway).
                if (lb.props["internal"] === true || (lb.props["loadBalancerType"] ?? "application") !== "application") {
                    return;
                }
                checked++;
                if (!associations.some((a) => references(a, "resourceArn", lb, ["arn", "id"]))) {
                    reportViolation(
                        `internet-facing load balancer "${lb.name}" has no AWS WAFv2 web ACL: add an aws.wafv2.WebAclAssociation whose resourceArn is the load balancer's ARN (web ACL scope REGIONAL).`,
                        lb.urn,
                    );
                }
            });
        }
        tracker.finish();
        if (checked === 0) {
            return args.notApplicable("The stack has no internet-facing application load balancers");
        }
    },
};

export const loggingAndWafPolicies = [
    apigatewayStageAccessLogging,
    lbAccessLogging,
    cloudfrontAccessLogging,
    cloudwatchLogGroupRetention,
    apigatewayStageWaf,
    cloudfrontWaf,
    lbWaf,
];
