import * as pulumi from "@pulumi/pulumi";
import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * A resource class as `validateResourceOfType` accepts it (`aws.s3.Bucket`, `awsx.ec2.Vpc`, ...).
 * `...rest` is `never[]` so any constructor whose first two parameters are (name, args) fits.
 */
export interface ResourceClass<TArgs> {
    new (name: string, args: TArgs, ...rest: never[]): pulumi.Resource;
}

/** The Pulumi type token of a resource class (its static `__pulumiType`), e.g. "aws:s3/bucket:Bucket". */
export function typeToken(resourceClass: object): string {
    // Generated SDK classes carry the token as a static field that their .d.ts files do not declare.
    const token: unknown = Reflect.get(resourceClass, "__pulumiType");
    if (typeof token !== "string" || token.length === 0) {
        throw new Error("resource class has no __pulumiType");
    }
    return token;
}

/**
 * Like @pulumi/policy's `validateResourceOfType`, for one rule that covers several type tokens whose
 * args share a shape: v7 aliases such as `aws:s3/bucket:Bucket` + `aws:s3/bucketV2:BucketV2`, or
 * `aws:lb/listener:Listener` + `aws:alb/listener:Listener`.
 *
 * Passing an array of `validateResourceOfType(...)` functions instead would make the policy server
 * record a "not applicable" for the non-matching element on every resource, even on the ones the
 * policy did check; a single function keeps the verdict per resource clean. Props stay typed: the
 * callback receives the unwrapped args of the first class (`args.asType` narrows to each class).
 */
export function validateResourceOfTypes<TArgs>(
    resourceClasses: ReadonlyArray<ResourceClass<TArgs>>,
    validate: (props: pulumi.Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs, reportViolation: ReportViolation) => Promise<void> | void,
): ResourceValidation {
    const tokens = resourceClasses.map(typeToken);
    return (args, reportViolation) => {
        for (const resourceClass of resourceClasses) {
            const props = args.asType(resourceClass);
            if (props !== undefined) {
                return validate(props, args, reportViolation);
            }
        }
        return args.notApplicable(`Policy only applies to resources of type ${tokens.map(t => `'${t}'`).join(" or ")}`);
    };
}
