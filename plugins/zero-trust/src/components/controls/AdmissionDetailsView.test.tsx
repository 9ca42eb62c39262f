import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  AdmissionDetails,
  AdmissionFinding,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { LocationProbe, probedSearch } from '../shared/testing';
import { AdmissionDetailsView } from './supplyChainDetails';

const finding = (
  policy: string,
  result: string,
  severity?: string,
): AdmissionFinding => ({
  cluster: 'demo',
  report: 'PolicyReport online-boutique/adservice',
  resource: 'Deployment/adservice',
  policy,
  rule: 'check',
  result,
  severity,
});

const details: AdmissionDetails = {
  counts: { pass: 3, fail: 1, warn: 1, error: 0, skip: 0 },
  byPolicy: [],
  findings: [
    finding('disallow-latest-tag', 'pass', 'medium'),
    finding('require-ro-rootfs', 'fail', 'medium'),
    finding('require-run-as-nonroot', 'pass', 'high'),
    finding('restrict-seccomp', 'warn', 'high'),
    finding('require-labels', 'pass'),
  ],
};

const render = (route = '/zero-trust', d = details) =>
  renderInTestApp(
    <>
      <AdmissionDetailsView details={d} />
      <LocationProbe />
    </>,
    { routeEntries: [route] },
  );

const options = (label: string) =>
  within(screen.getByLabelText(label))
    .getAllByRole('option')
    .map(o => o.textContent);
const policies = () =>
  within(screen.getByRole('table', { name: 'Policy results' }))
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).getAllByRole('cell')[1].textContent);
const url = () => probedSearch(screen.getByTestId('location').textContent);

describe('AdmissionDetailsView', () => {
  it('shows the failures first and offers only values that have rows', async () => {
    await render();
    expect(screen.getByLabelText('Result')).toHaveValue('fail');
    expect(policies()).toEqual(['require-ro-rootfs / check']);
    expect(options('Result')).toEqual([
      'all',
      'fail (1)',
      'warn (1)',
      'pass (3)',
    ]);
    // With "fail" chosen, only the policies and severities of failures are offered.
    expect(options('Policy')).toEqual(['all', 'require-ro-rootfs (1)']);
    expect(options('Severity')).toEqual(['all', 'medium (1)']);
  });

  it('narrows each filter by the others and writes them to the URL', async () => {
    await render('/zero-trust#zt-admission');
    fireEvent.change(screen.getByLabelText('Result'), {
      target: { value: 'all' },
    });
    expect(url().get('admissionResult')).toBe('all');
    expect(options('Severity')).toEqual([
      'all',
      'high (2)',
      'medium (2)',
      'none (1)',
    ]);
    fireEvent.change(screen.getByLabelText('Severity'), {
      target: { value: 'high' },
    });
    expect(url().get('admissionSeverity')).toBe('high');
    expect(policies()).toEqual([
      'restrict-seccomp / check',
      'require-run-as-nonroot / check',
    ]);
    expect(options('Result')).toEqual(['all', 'warn (1)', 'pass (1)']);
    expect(options('Policy')).toEqual([
      'all',
      'require-run-as-nonroot (1)',
      'restrict-seccomp (1)',
    ]);
    expect(screen.getByTestId('location').textContent).toMatch(
      /#zt-admission$/,
    );
  });

  it('opens with the filters of the URL, as after a reload', async () => {
    await render('/zero-trust?admissionResult=pass&admissionSeverity=medium');
    expect(screen.getByLabelText('Result')).toHaveValue('pass');
    expect(screen.getByLabelText('Severity')).toHaveValue('medium');
    expect(policies()).toEqual(['disallow-latest-tag / check']);
  });

  it('shows everything by default when nothing fails', async () => {
    await render('/zero-trust', {
      ...details,
      findings: details.findings.filter(f => f.result === 'pass'),
    });
    expect(screen.getByLabelText('Result')).toHaveValue('all');
    expect(policies()).toHaveLength(3);
    expect(url().has('admissionResult')).toBe(false);
  });
});
