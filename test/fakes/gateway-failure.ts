import { GatewayError } from '../../src/gateways/sms-gateway';

/** Awaits a call that must fail with a GatewayError and returns that error. */
export async function gatewayFailure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayError, but the call succeeded');
}
