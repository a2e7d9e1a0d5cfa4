module Host = Host

module Key_type = Key_type

module Public_key = Public_key

module Private_key = Private_key

module Distinguished_name = Distinguished_name

module General_name = General_name

module Certificate = Certificate

module Validation = Validation

module Extension = Extension

module Signing_request = Signing_request

module CRL = Crl

module Authenticator = Authenticator

module PKCS12 = P12

module OCSP = Ocsp
