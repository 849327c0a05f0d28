import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Middleware } from '@ai-sdk/provider';

/**
 * Wraps a model in AI SDK middleware, first entry outermost — the semantics of the AI SDK's
 * `wrapLanguageModel` (transformParams, then wrapGenerate/wrapStream around the inner model).
 * Written here because importing the `ai` package for this one function costs every CLI start
 * ~100 ms of CPU and ~10 MB; the middleware themselves are plain `LanguageModelV3Middleware`.
 */
export function applyMiddleware(model: LanguageModelV3, middleware: readonly LanguageModelV3Middleware[]): LanguageModelV3 {
  return [...middleware].reverse().reduce<LanguageModelV3>((inner, layer) => wrap(inner, layer), model);
}

function wrap(inner: LanguageModelV3, layer: LanguageModelV3Middleware): LanguageModelV3 {
  const transform = async (params: LanguageModelV3CallOptions, type: 'generate' | 'stream') =>
    layer.transformParams ? layer.transformParams({ params, type, model: inner }) : params;
  return {
    specificationVersion: 'v3',
    provider: layer.overrideProvider?.({ model: inner }) ?? inner.provider,
    modelId: layer.overrideModelId?.({ model: inner }) ?? inner.modelId,
    supportedUrls: layer.overrideSupportedUrls?.({ model: inner }) ?? inner.supportedUrls,
    async doGenerate(params) {
      const transformed = await transform(params, 'generate');
      const doGenerate = () => inner.doGenerate(transformed);
      const doStream = () => inner.doStream(transformed);
      return layer.wrapGenerate ? layer.wrapGenerate({ doGenerate, doStream, params: transformed, model: inner }) : doGenerate();
    },
    async doStream(params) {
      const transformed = await transform(params, 'stream');
      const doGenerate = () => inner.doGenerate(transformed);
      const doStream = () => inner.doStream(transformed);
      return layer.wrapStream ? layer.wrapStream({ doGenerate, doStream, params: transformed, model: inner }) : doStream();
    },
  };
}
