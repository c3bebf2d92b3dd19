import * as pulumi from "@pulumi/pulumi";
import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * A resource class as `validateResourceOfType` accepts it (`aws.s3.Bucket`, `awsx.ec2.Vpc`, ...).
 * The rest parameters are typed `any[]` exactly as in @pulumi/policy's own signatures: constructor
 * parameters are checked contravariantly, so `unknown[]`/`never[]` would reject real classes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResourceClass<TArgs> = new (name: string, args: TArgs, ...rest: any[]) => pulumi.Resource;

/** The unwrapped args type of a resource class (a union when given a union of classes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArgsOf<C> = C extends new (name: string, args: infer A, ...rest: any[]) => pulumi.Resource ? pulumi.Unwrap<NonNullable<A>> : never;

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
export function validateResourceOfTypes<C extends ReadonlyArray<ResourceClass<never>>>(
    resourceClasses: C,
    validate: (props: ArgsOf<C[number]>, args: ResourceValidationArgs, reportViolation: ReportViolation) => Promise<void> | void,
): ResourceValidation {
    const tokens = resourceClasses.map(typeToken);
    return (args, reportViolation) => {
        if (tokens.includes(args.type)) {
            // The server built `props` from this resource's inputs and the type token matched one of
            // the classes, so they are that class's (unwrapped) args: the same assumption
            // @pulumi/policy's validateResourceOfType makes when it passes `args.props` on.
            return validate(args.props as ArgsOf<C[number]>, args, reportViolation);
        }
        return args.notApplicable(`Policy only applies to resources of type ${tokens.map((t) => `'${t}'`).join(" or ")}`);
    };
}

/**
 * Combines typed validations of different resource types (each made with @pulumi/policy's
 * `validateResourceOfType`, which tags the function with its type token) into one validation that
 * runs the matching one, or reports the policy not applicable.
 *
 * Used instead of the array form of `validateResource` for the reason given on
 * `validateResourceOfTypes`: with an array, the server marks the policy "not applicable" from every
 * non-matching element even when another element validated the resource.
 */
export function validateByType(...validations: ResourceValidation[]): ResourceValidation {
    const tokens = validations.map(typeToken);
    return (args, reportViolation) => {
        const index = tokens.indexOf(args.type);
        if (index >= 0) {
            return validations[index](args, reportViolation);
        }
        return args.notApplicable(`Policy only applies to resources of type ${tokens.map((t) => `'${t}'`).join(" or ")}`);
    };
}
