import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a tiny BERT-shaped feature-extraction model that transformers.js loads like any other:
 * config.json, tokenizer.json (WordPiece), tokenizer_config.json and onnx/model.onnx. The ONNX graph
 * is a single Gather (token embeddings), so mean pooling gives a bag-of-words embedding; enough to
 * exercise the real loading, tokenizing, inference and pooling path offline. The protobuf is encoded
 * by hand (a few message types of onnx.proto) so that no ONNX tooling is needed.
 */
export async function makeTinyModel(dir: string, options: { dimension?: number; seed?: number } = {}): Promise<void> {
  const dimension = options.dimension ?? 32;
  const vocab = buildVocab();
  await mkdir(path.join(dir, 'onnx'), { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dimension, vocab_size: vocab.length, max_position_embeddings: 512 }, null, 2));
  await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]' }, null, 2));
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), onnxModel(vocab.length, dimension, options.seed ?? 7));
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = `the a to of and in is for with on that by this be are as it from or your can an at you use user users sso
single sign on saml oidc oauth directory sync group groups organization organizations connection connections test testing
identity provider idp login logout session sessions token tokens api key keys secret webhook webhooks event events
email domain domains verify verification role roles permission permissions admin portal audit log logs widget widgets
authkit password magic code redirect uri url callback profile attribute attributes scim provisioning deprovision
create list get update delete invite invitation member membership flag flags feature vault encrypt decrypt radar block
rate limit limits error errors request response client server sdk node python ruby go java php dotnet install setup
configure configuration environment production staging dashboard certificate certificates metadata entity acs`.split(/\s+/);

function buildVocab(): string[] {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  const punct = '.,:;!?-_/()[]{}<>"\'`@#$%^&*+=|\\~'.split('');
  return [...new Set([...SPECIAL, ...chars, ...chars.map((c) => `##${c}`), ...punct, ...WORDS])];
}

function tokenizerJson(vocab: string[]): unknown {
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
  const special = (t: string) => ({ id: ids[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

// --- minimal protobuf writer for the ONNX messages used here ---
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, data: Uint8Array | number[]) => [...key(field, 2), ...varint(data.length), ...data];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

function valueInfo(name: string, elemType: number, dims: Array<number | string>): number[] {
  const dimMsgs = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, dimMsgs)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function onnxModel(vocabSize: number, dimension: number, seed: number): Buffer {
  const FLOAT = 1;
  const INT64 = 7;
  let state = seed >>> 0;
  const weights = new Float32Array(vocabSize * dimension);
  for (let i = 0; i < weights.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    weights[i] = state / 2 ** 32 - 0.5;
  }
  const initializer = [...int(1, vocabSize), ...int(1, dimension), ...int(2, FLOAT), ...str(8, 'embeddings'), ...bytes(9, new Uint8Array(weights.buffer))];
  const node = [...str(1, 'embeddings'), ...str(1, 'input_ids'), ...str(2, 'last_hidden_state'), ...str(3, 'gather'), ...str(4, 'Gather')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'tiny-bag-of-embeddings'),
    ...bytes(5, initializer),
    ...bytes(11, valueInfo('input_ids', INT64, ['batch', 'sequence'])),
    ...bytes(11, valueInfo('attention_mask', INT64, ['batch', 'sequence'])),
    ...bytes(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dimension])),
  ];
  const model = [...int(1, 8), ...str(2, 'workos-docs-mcp'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])];
  return Buffer.from(model);
}
