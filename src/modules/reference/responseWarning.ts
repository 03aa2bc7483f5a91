/** A warning in the response's `extensions.warnings` (see docs/api.md). */
export interface ResponseWarning {
  code: string;
  message: string;
  argument?: string;
  value?: string;
  suggestions?: string[];
}
