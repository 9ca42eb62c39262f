export {
  ZeroTrustContent,
  type ZeroTrustContentProps,
} from './ZeroTrustContent';
