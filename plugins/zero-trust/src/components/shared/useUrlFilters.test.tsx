import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { useUrlFilters } from './useUrlFilters';
import { LocationProbe } from './testing';

function Filters() {
  const [values, set] = useUrlFilters({ sbomType: 'all', sbomName: '' });
  return (
    <>
      <span data-testid="values">{JSON.stringify(values)}</span>
      <button onClick={() => set({ sbomType: 'library' })}>library</button>
      <button onClick={() => set({ sbomType: 'all', sbomName: 'netty' })}>
        netty
      </button>
      <LocationProbe />
    </>
  );
}

const values = () => JSON.parse(screen.getByTestId('values').textContent!);
const location = () => screen.getByTestId('location').textContent;

describe('useUrlFilters', () => {
  it('reads the filters from the URL, defaults for the missing ones', async () => {
    await renderInTestApp(<Filters />, {
      routeEntries: ['/tab?sbomType=framework&other=1'],
    });
    expect(values()).toEqual({ sbomType: 'framework', sbomName: '' });
  });

  it('writes changes to the URL, leaves defaults out and keeps other parameters and the fragment', async () => {
    await renderInTestApp(<Filters />, {
      routeEntries: ['/tab?other=1#zt-sbom'],
    });
    fireEvent.click(screen.getByRole('button', { name: 'library' }));
    expect(location()).toBe('/tab?other=1&sbomType=library#zt-sbom');
    expect(values()).toEqual({ sbomType: 'library', sbomName: '' });
    fireEvent.click(screen.getByRole('button', { name: 'netty' }));
    expect(location()).toBe('/tab?other=1&sbomName=netty#zt-sbom');
    expect(values()).toEqual({ sbomType: 'all', sbomName: 'netty' });
  });
});
