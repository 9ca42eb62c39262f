export * from './ZeroTrustApi';
export * from './ZeroTrustClient';
