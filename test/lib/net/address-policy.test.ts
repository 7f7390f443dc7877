import { expect } from 'chai';
import { isBlockedAddress } from '../../../lib/net/index.ts';

describe('lib/net isBlockedAddress', () => {
  it('refuses IPv4 loopback, private, link-local, CGNAT, this-network and multicast ranges', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '10.1.2.3', '172.31.0.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255']) {
      expect(isBlockedAddress(ip), ip).to.equal(true);
    }
  });

  it('refuses IPv6 loopback, unspecified, unique-local, link-local and multicast', () => {
    for (const ip of ['::1', '::', '0:0:0:0:0:0:0:1', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1']) {
      expect(isBlockedAddress(ip), ip).to.equal(true);
    }
  });

  it('judges an IPv6 address that carries an IPv4 one by that IPv4 address, in every spelling', () => {
    const refused = [
      // IPv4-compatible ::/96 (the finding): ::127.0.0.1
      '::127.0.0.1', '::7f00:1', '0:0:0:0:0:0:7f00:1', '::10.0.0.1', '::a9fe:a9fe',
      // IPv4-mapped ::ffff:0:0/96 and IPv4-translated ::ffff:0:0:0/96
      '::ffff:127.0.0.1', '::FFFF:7F00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:192.168.1.1', '::ffff:0:127.0.0.1', '::ffff:0:a00:1',
      // NAT64 64:ff9b::/96 and 6to4 2002::/16
      '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:c0a8:101::', '2002:a00:1:1::1',
    ];
    for (const ip of refused) expect(isBlockedAddress(ip), ip).to.equal(true);
    for (const ip of ['::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '::808:808']) expect(isBlockedAddress(ip), ip).to.equal(false);
  });

  it('lets public addresses through and refuses anything that is not an IP literal', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) expect(isBlockedAddress(ip), ip).to.equal(false);
    for (const text of ['', 'localhost', '2130706433', '0x7f.1', '127.1']) expect(isBlockedAddress(text), text).to.equal(true);
  });
});
