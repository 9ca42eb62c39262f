import { controlTitle } from './controls';

describe('controlTitle', () => {
  it('names a built-in control by its own title, an added one by the title its result carries, else by id', () => {
    expect(controlTitle('mtls')).toBe('Mutual TLS');
    expect(controlTitle({ control: 'mtls', title: 'Spoofed' })).toBe(
      'Mutual TLS',
    );
    expect(
      controlTitle({ control: 'signed-images', title: 'Signed images' }),
    ).toBe('Signed images');
    expect(controlTitle({ control: 'signed-images' })).toBe('signed-images');
    expect(controlTitle('signed-images')).toBe('signed-images');
  });
});
