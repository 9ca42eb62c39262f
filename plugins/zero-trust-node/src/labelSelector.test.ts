import { LabelSelector } from './labelSelector';

describe('LabelSelector', () => {
  const labels = {
    app: 'cartservice',
    tier: 'backend',
    'example.com/team': 'x',
  };

  it.each([
    ['app=cartservice', true],
    ['app==cartservice', true],
    ['app!=cartservice', false],
    ['app=frontend', false],
    ['tier in (backend, cache)', true],
    ['tier notin (backend)', false],
    ['missing notin (a)', true],
    ['example.com/team', true],
    ['!canary', true],
    ['!app', false],
    ['app=cartservice,tier in (frontend,backend),!canary', true],
    ['app=cartservice,tier=frontend', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(LabelSelector.parse(selector).matches(labels)).toBe(expected);
  });

  it('treats missing labels as empty', () => {
    expect(LabelSelector.parse('!app').matches(undefined)).toBe(true);
    expect(LabelSelector.parse('app').matches(undefined)).toBe(false);
  });

  it('accepts an empty value, as Kubernetes does', () => {
    expect(LabelSelector.parse('app=').matches({ app: '' })).toBe(true);
  });

  it.each(['', ' , ', 'app in (a', 'a b c', "app=x'; rm -rf /", 'app=$(id)'])(
    'rejects %p with a clear error',
    selector => {
      expect(() => LabelSelector.parse(selector)).toThrow(/label selector/i);
    },
  );
});
