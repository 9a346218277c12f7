'use strict';
// Stand-in for @matrix-org/matrix-sdk-crypto-nodejs (see ../../README.md, "Encryption").
// The real package downloads a native binary from GitHub in its postinstall script, which fails
// offline and makes a plain require() throw. matrix-bot-sdk (and matrix-appservice-bridge
// through it) require the package at load time but touch it only when encryption is enabled, so
// this module exports the same names and throws one clear error the moment any of them is used.

const MESSAGE =
  'end-to-bridge encryption is not available in this build: ' +
  '@matrix-org/matrix-sdk-crypto-nodejs is replaced by bridges/kit/crypto-unavailable ' +
  '(remove the "overrides" entry in package.json to install the native crypto package)';

class CryptoUnavailableError extends Error {
  constructor() {
    super(MESSAGE);
    this.name = 'CryptoUnavailableError';
    this.code = 'E2EE_UNAVAILABLE';
  }
}

function unavailable() {
  throw new CryptoUnavailableError();
}

// Classes: constructing one, or calling one of its static factories, throws.
function unavailableClass(name, statics) {
  const cls = {
    [name]: class {
      constructor() {
        unavailable();
      }
    },
  }[name];
  for (const s of statics) cls[s] = unavailable;
  return cls;
}

const CLASSES = {
  OlmMachine: ['initialize', 'withSledBackend'],
  Attachment: ['encrypt', 'decrypt'],
  EncryptedAttachment: [],
  EncryptionSettings: [],
  DeviceId: [],
  DeviceLists: [],
  UserId: [],
  RoomId: [],
  ServerName: [],
  DeviceKeyId: [],
  KeysUploadRequest: [],
  KeysQueryRequest: [],
  KeysClaimRequest: [],
  ToDeviceRequest: [],
  SignatureUploadRequest: [],
  RoomMessageRequest: [],
  KeysBackupRequest: [],
};
for (const [name, statics] of Object.entries(CLASSES)) {
  module.exports[name] = unavailableClass(name, statics);
}

// Enums are plain values (the frameworks compile them inline), harmless to export as they are.
module.exports.RequestType = Object.freeze({
  KeysUpload: 0, KeysQuery: 1, KeysClaim: 2, ToDevice: 3, SignatureUpload: 4, RoomMessage: 5,
  KeysBackup: 6,
});
module.exports.StoreType = Object.freeze({ Sled: 0, Sqlite: 1 });
module.exports.EncryptionAlgorithm = Object.freeze({ OlmV1Curve25519AesSha2: 0, MegolmV1AesSha2: 1 });
module.exports.HistoryVisibility = Object.freeze({ Invited: 0, Joined: 1, Shared: 2, WorldReadable: 3 });
module.exports.LoggerLevel = Object.freeze({ Trace: 0, Debug: 1, Info: 2, Warn: 3, Error: 4 });
module.exports.CryptoUnavailableError = CryptoUnavailableError;
module.exports.available = false;
