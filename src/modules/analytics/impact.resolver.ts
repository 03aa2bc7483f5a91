import { Resolver } from 'type-graphql';

/** Placeholder: the queries of this file are being built (issue 3). */
@Resolver()
export class ImpactResolver {}
