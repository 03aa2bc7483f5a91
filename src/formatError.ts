import type { GraphQLFormattedError } from 'graphql';
import type { Config } from './config';
import { databaseFailure, isRequestError } from './errorCauses';
import { codeOfStatus, ErrorCode, httpStatusOf } from './errors';
import { isQueryLimitError } from './limits';

/**
 * graphql-js's hints ("Did you mean "code"?", "Did you mean the enum value "ASC"?", "Did you
 * mean to use an inline fragment on ...?") end a message; the data suggestions of this API
 * ("; did you mean "homicide-rate"?") are lower case and stay.
 */
const SCHEMA_SUGGESTION = / Did you mean [\s\S]*\?$/;

/**
 * Whether "Did you mean ...?" hints, which spell out the schema's field, argument, type and enum
 * value names, are kept out of answers: with introspection off, and always in production.
 */
export function hidesSuggestions(config: Config): boolean {
  return !config.introspection || config.isProduction;
}

/**
 * Gives every error a code a client can act on, and in production never lets an unexpected
 * error's message (which may carry SQL text or internal paths) reach the client: the server
 * log has the detail, under the request id the client also receives.
 */
export function formatError(config: Config) {
  const hideSuggestions = hidesSuggestions(config);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Validation hides them at the source (validationOptions); variable coercion during
    // execution has no such switch in Apollo, so they are cut here.
    if (hideSuggestions) formatted = withoutSuggestions(formatted);
    const base = { locations: formatted.locations, path: formatted.path };
    if (isQueryLimitError(error)) {
      return { ...formatted, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };
    }
    const failure = databaseFailure(error, config.statementTimeoutMs);
    if (failure) return { ...base, message: failure.message, extensions: { code: failure.extensions.code } };
    const code = formatted.extensions?.code;
    if ((code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) && isRequestError(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: codeOfStatus(httpStatusOf(error)) } };
    }
    if ((code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) && config.isProduction) {
      return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    const validation = formatted.extensions?.validationErrors;
    if (Array.isArray(validation)) return { ...formatted, ...describeValidationErrors(validation) };
    return formatted;
  };
}

function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const stacktrace = formatted.extensions?.stacktrace;
  return {
    ...formatted,
    message: formatted.message.replace(SCHEMA_SUGGESTION, ''),
    ...(Array.isArray(stacktrace)
      ? {
          extensions: {
            ...formatted.extensions,
            stacktrace: stacktrace.map((line) => String(line).replace(SCHEMA_SUGGESTION, '')),
          },
        }
      : {}),
  };
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/**
 * class-validator's errors, as type-graphql reports them, carry the whole input object
 * (`target`); clients get a message naming each bad field and a compact list instead.
 */
function describeValidationErrors(
  errors: ValidationErrorLike[],
): Pick<GraphQLFormattedError, 'message' | 'extensions'> {
  const fields: { field: string; problems: string[] }[] = [];
  const walk = (list: ValidationErrorLike[], prefix: string) => {
    for (const e of list) {
      const field = `${prefix}${e.property}`;
      if (e.constraints) fields.push({ field, problems: Object.values(e.constraints) });
      if (e.children?.length) walk(e.children, `${field}.`);
    }
  };
  walk(errors, '');
  return {
    message: `Invalid input: ${fields.map((f) => f.problems.join('; ')).join('; ')}`,
    extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
  };
}
