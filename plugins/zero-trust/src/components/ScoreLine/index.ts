export { ScoreLine, scoreExplanation } from './ScoreLine';
