import { readFileSync } from 'node:fs';
import {
  ApexErrorListener,
  ApexLexer,
  ApexParserFactory,
  ClassBodyDeclarationContext,
  ClassDeclarationContext,
  CompilationUnitContext,
  ModifierContext,
  TriggerUnitContext,
  TypeDeclarationContext,
} from '@apexdevtools/apex-parser';

/** One syntax error, with its 1-based line and 0-based column. */
export interface ApexSyntaxError {
  line: number;
  column: number;
  message: string;
}

/** A field of an Apex class, with its type exactly as written (without whitespace). */
export interface ApexField {
  name: string;
  type: string;
  modifiers: string[];
  annotations: string[];
}

export interface ApexMethod {
  name: string;
  returnType: string;
  parameters: { name: string; type: string }[];
  modifiers: string[];
  annotations: string[];
  hasDocComment: boolean;
}

/** What the offline checks need to know of a class: its members and how it is declared. */
export interface ApexClassModel {
  name: string;
  modifiers: string[];
  annotations: string[];
  hasDocComment: boolean;
  fields: ApexField[];
  methods: ApexMethod[];
  innerClasses: ApexClassModel[];
  /** Public members (fields, methods, inner classes) that have no /** comment. */
  undocumentedPublicMembers: string[];
}

class CollectingErrorListener extends ApexErrorListener {
  readonly errors: ApexSyntaxError[] = [];

  apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push({ line, column, message });
  }
}

interface HiddenTokenStream {
  getHiddenTokensToLeft(tokenIndex: number, channel: number): { type: number }[] | null;
}

/**
 * Parses Apex source with an error listener on both the lexer and the parser, because
 * the parser's own check() helper does not report every error.
 */
export function parseApex(source: string, kind: 'class' | 'trigger' = 'class') {
  const listener = new CollectingErrorListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const tree: CompilationUnitContext | TriggerUnitContext =
    kind === 'trigger' ? parser.triggerUnit() : parser.compilationUnit();
  const tokens = parser.getTokenStream() as unknown as HiddenTokenStream;
  return { tree, errors: listener.errors, tokens };
}

function modifierWords(modifiers: ModifierContext[]): { words: string[]; annotations: string[] } {
  const words: string[] = [];
  const annotations: string[] = [];
  for (const modifier of modifiers) {
    const annotation = modifier.annotation();
    if (annotation) {
      annotations.push(annotation.id().getText().toLowerCase());
    } else {
      // "with sharing" and "inherited sharing" are two tokens of one modifier.
      words.push(
        modifier.children
          ?.map((child) => child.getText().toLowerCase())
          .join(' ') ?? '',
      );
    }
  }
  return { words, annotations };
}

function hasDocCommentBefore(tokens: HiddenTokenStream, tokenIndex: number): boolean {
  const hidden = tokens.getHiddenTokensToLeft(tokenIndex, ApexLexer.COMMENT_CHANNEL) ?? [];
  return hidden.some((token) => token.type === ApexLexer.DOC_COMMENT);
}

function readClass(
  declaration: ClassDeclarationContext,
  modifiers: ModifierContext[],
  startTokenIndex: number,
  tokens: HiddenTokenStream,
): ApexClassModel {
  const { words, annotations } = modifierWords(modifiers);
  const model: ApexClassModel = {
    name: declaration.id().getText(),
    modifiers: words,
    annotations,
    hasDocComment: hasDocCommentBefore(tokens, startTokenIndex),
    fields: [],
    methods: [],
    innerClasses: [],
    undocumentedPublicMembers: [],
  };

  for (const body of declaration.classBody().classBodyDeclaration_list()) {
    readMember(body, model, tokens);
  }
  return model;
}

function readMember(body: ClassBodyDeclarationContext, model: ApexClassModel, tokens: HiddenTokenStream): void {
  const member = body.memberDeclaration();
  if (!member) {
    return;
  }
  const { words, annotations } = modifierWords(body.modifier_list());
  const documented = hasDocCommentBefore(tokens, body.start.tokenIndex);
  const isPublic = words.includes('public') || words.includes('global');
  let memberName: string | null = null;

  const field = member.fieldDeclaration();
  const method = member.methodDeclaration();
  const innerClass = member.classDeclaration();
  if (field) {
    for (const declarator of field.variableDeclarators().variableDeclarator_list()) {
      model.fields.push({ name: declarator.id().getText(), type: field.typeRef().getText(), modifiers: words, annotations });
    }
    memberName = field.variableDeclarators().getText();
  } else if (method) {
    const parameterList = method.formalParameters().formalParameterList();
    model.methods.push({
      name: method.id().getText(),
      returnType: method.typeRef()?.getText() ?? 'void',
      parameters:
        parameterList?.formalParameter_list().map((parameter) => ({
          name: parameter.id().getText(),
          type: parameter.typeRef().getText(),
        })) ?? [],
      modifiers: words,
      annotations,
      hasDocComment: documented,
    });
    memberName = `${method.id().getText()}()`;
  } else if (innerClass) {
    model.innerClasses.push(readClass(innerClass, body.modifier_list(), body.start.tokenIndex, tokens));
    memberName = innerClass.id().getText();
  }

  if (isPublic && !documented && memberName) {
    model.undocumentedPublicMembers.push(`${model.name}.${memberName}`);
  }
}

/**
 * Reads the top-level class of an Apex class file. Throws when the source has syntax
 * errors or holds no class, because a model of broken source would mislead the checks.
 */
export function readClassModelFromSource(source: string, label = 'source'): ApexClassModel {
  const { tree, errors, tokens } = parseApex(source);
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new Error(`${label}:${first.line}:${first.column}: ${first.message}`);
  }
  const typeDeclaration = (tree as CompilationUnitContext).typeDeclaration() as TypeDeclarationContext | null;
  const declaration = typeDeclaration?.classDeclaration();
  if (!typeDeclaration || !declaration) {
    throw new Error(`${label}: expected a class declaration`);
  }
  return readClass(declaration, typeDeclaration.modifier_list(), typeDeclaration.start.tokenIndex, tokens);
}

export function readClassModel(path: string): ApexClassModel {
  return readClassModelFromSource(readFileSync(path, 'utf8'), path);
}
