// An address as every view shows it: the watched contract's or signer's name when known, else
// the shortened hex; the full address on hover (title) and, where asked, a copy button.
import { useMemo } from 'react';
import { shortHex, type AddressNamer } from '../format.ts';
import { useConfig } from '../stores/config.ts';
import { signerLabel, useSigners } from '../stores/signers.ts';
import { CopyButton } from './CopyButton.tsx';

/** The name Vigil knows an address by (a watched contract on that chain, or a signer). */
export function useAddressName(address: string, chainId?: number): string | undefined {
  const contract = useConfig((state) =>
    state.contracts.find(
      (item) =>
        item.address.toLowerCase() === address.toLowerCase() &&
        (chainId === undefined || item.chainId === chainId),
    ),
  );
  const signer = useSigners((state) => signerLabel(state.signers, address));
  return contract?.name || signer;
}

/** Names for addresses in argument summaries: watched contracts and signers. */
export function useAddressNamer(): AddressNamer {
  const contracts = useConfig((state) => state.contracts);
  const signers = useSigners((state) => state.signers);
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const signer of signers) names.set(signer.address.toLowerCase(), signer.label);
    for (const contract of contracts)
      if (contract.name) names.set(contract.address.toLowerCase(), contract.name);
    return (address) => names.get(address.toLowerCase());
  }, [contracts, signers]);
}

export function Address({
  address,
  chainId,
  copy = false,
  keep,
}: {
  address: string;
  chainId?: number;
  copy?: boolean;
  keep?: number;
}) {
  const name = useAddressName(address, chainId);
  const title = name ? `${name} — ${address}` : address;
  return (
    <span className="address">
      <span title={title} className={name ? undefined : 'mono'}>
        {name ?? shortHex(address, keep)}
      </span>
      {copy && (
        <>
          {' '}
          <CopyButton text={address} />
        </>
      )}
    </span>
  );
}
