import '@testing-library/jest-dom';

// jsdom does not lay out SVG; Backstage's DependencyGraph measures its labels with getBBox.
Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
  writable: true,
  value: () => ({ x: 0, y: 0, width: 100, height: 20 }),
});
