// An address as every view shows it: the watched contract's or signer's name when known, else
// the shortened hex; the full address on hover (title) and, where asked, a copy button.
import { shortHex } from '../format.ts';
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

/** "DemoToken 0x5FbD…0aa3" or "0x5FbDB2…0aa3" with the full address in the title. */
export function addressText(address: string, name: string | undefined, keep?: number): string {
  return name ? `${name} (${shortHex(address, keep ?? 4)})` : shortHex(address, keep);
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
