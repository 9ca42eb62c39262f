import '@testing-library/jest-dom';

// jsdom does not lay out SVG; Backstage's DependencyGraph measures its labels with getBBox.
Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
  writable: true,
  value: () => ({ x: 0, y: 0, width: 100, height: 20 }),
});

// Rendering the tab's full-width tables in jsdom takes seconds, more while the rest of the
// repository's tests share the two cores: give every test room (no test asserts a duration).
jest.setTimeout(30_000);
