export { NeedsAttention } from './NeedsAttention';
export { attentionOf } from './attention';
