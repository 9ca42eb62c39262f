export {
  ControlStatusChip,
  STATUS_MEANING,
  statusColors,
} from './ControlStatusChip';
