/**
 * The one google-protobuf type the library builds itself (a channel header's timestamp); the
 * package ships no types, and @hyperledger/fabric-protos's own declarations only reference it.
 */
declare module 'google-protobuf/google/protobuf/timestamp_pb' {
  /** google.protobuf.Timestamp. */
  export class Timestamp {
    /** @param value - whole seconds since the epoch */
    setSeconds(value: number): this;
    /** @param value - nanoseconds within the second */
    setNanos(value: number): this;
  }
}
