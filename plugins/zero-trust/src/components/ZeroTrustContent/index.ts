export { ZeroTrustContent } from './ZeroTrustContent';
