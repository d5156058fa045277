/**
 * @module edge/problems/broker-errors
 * Maps failures of the REST broker onto a 503 + Retry-After: the caller is told nothing was
 * stored and when to try again, never a 202 for a job that may not exist.
 */
import { BrokerUnavailableProblem } from './problems.ts';
import { HttpProblem } from './http-problem.ts';

export async function withBroker<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    // Logged for the operator (Workers Logs); the caller only needs to know to retry.
    console.error('broker call failed', error instanceof Error ? `${error.name}: ${error.message}` : error);
    throw new BrokerUnavailableProblem();
  }
}
