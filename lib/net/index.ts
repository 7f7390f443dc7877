/** Outgoing requests on someone else's behalf: which addresses they may reach, and the request options that enforce it. */
export { isBlockedAddress, isMetadataHost } from './address-policy.ts';
export { AddressNotAllowed, guardRequest, type NetworkPolicy } from './guard.ts';
